import { defineConfig } from 'vitest/config'
import { fileURLToPath } from 'node:url'

// `npm run bench:seed` only: the original plugin beside ours (it installs from the npm registry, so it
// is in no other suite; its file name is outside every pattern of test/vitest.config.ts).
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    name: 'bench-seed',
    environment: 'node',
    include: ['test/bench/seed/**/*.seed.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
})
