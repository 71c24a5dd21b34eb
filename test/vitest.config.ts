import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

export default defineConfig({
  root,
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/{engine,plugin-config,plugin,opencode,shared,cli,demo,node}/**/*.test.ts'],
        },
      },
      {
        plugins: [svelte({ compilerOptions: { css: 'injected' } })],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'webview',
          environment: 'jsdom',
          include: ['test/webview/**/*.test.ts'],
          setupFiles: ['test/webview/setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file starts its own OpenCode servers; two cores run two files at a time at most.
          maxConcurrency: 1,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
      {
        test: {
          // Packs the built dist/ (npm run build first): the .vsix and the CLI's npm tarball.
          name: 'package',
          environment: 'node',
          include: ['test/package/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'bench',
          environment: 'node',
          include: ['test/bench/**/*.test.ts'],
          testTimeout: 180_000,
          fileParallelism: false,
          execArgv: ['--expose-gc'],
        },
      },
      {
        test: {
          name: 'ui',
          environment: 'node',
          include: ['test/ui/**/*.ui.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
