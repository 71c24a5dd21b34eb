import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import imports from './lint/no-import-cycle.mjs'
import { ENGINE_ROOMS } from './lint/engine-rooms.mjs'

const hostPaths = [{ name: 'vscode', message: 'Only src/vscode/** may import vscode.' }]
const hostPatterns = [
  {
    group: ['@opencode-ai/sdk', '@opencode-ai/sdk/*'],
    message: 'Use the ports in src/engine/ports.ts.',
  },
  {
    group: ['**/vscode/**', '**/opencode/**', '**/cli/**'],
    message: 'Lower layers never import upward.',
  },
]
const noHostImports = {
  'no-restricted-imports': ['error', { paths: hostPaths, patterns: hostPatterns }],
}

// The engine's rooms, lowest first. A room imports its own files, lower rooms and `../ports` (the
// engine's boundary); the mission's public face and its options at the top import any room, and
// only the loop (the top room) imports the options.
const engineRoomRules = ENGINE_ROOMS.map((room, i) => ({
  files: [`src/engine/${room}/**`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: hostPaths,
        patterns: [
          ...hostPatterns,
          {
            group: [
              ...ENGINE_ROOMS.slice(i + 1).map((r) => `../${r}/*`),
              '../mission',
              ...(room === 'loop' ? [] : ['../mission-options']),
            ],
            message: `src/engine/${room} imports only its own room, lower rooms (${ENGINE_ROOMS.slice(0, i).join(', ') || 'none'}) and ../ports.`,
          },
        ],
      },
    ],
  },
}))

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['webview/**/*.svelte', 'webview/**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['webview/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  { files: ['src/engine/**', 'src/shared/**', 'webview/**'], rules: noHostImports },
  {
    // No import circles, type-only imports included (see lint/no-import-cycle.mjs).
    files: ['src/**', 'webview/**'],
    plugins: { imports },
    rules: { 'imports/no-import-cycle': 'error' },
  },
  ...engineRoomRules,
  {
    // Host code logs through the LogOutputChannel, never the console.
    files: ['src/vscode/**', 'src/extension.ts', 'src/engine/**', 'src/opencode/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // Toasts go through src/vscode/toast.ts, which keeps a message's text from becoming a command link.
    files: ['src/**'],
    ignores: ['src/vscode/toast.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[property.name=/^show(Information|Warning|Error)Message$/]',
          message: 'Show a toast with toast.info, toast.warning or toast.error (src/vscode/toast.ts).',
        },
      ],
    },
  },
)
