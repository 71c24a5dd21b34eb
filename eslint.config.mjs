import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'

const noHostImports = {
  'no-restricted-imports': [
    'error',
    {
      paths: [{ name: 'vscode', message: 'Only src/vscode/** may import vscode.' }],
      patterns: [
        {
          group: ['@opencode-ai/sdk', '@opencode-ai/sdk/*'],
          message: 'Use the ports in src/engine/ports.ts.',
        },
        {
          group: ['**/vscode/**', '**/opencode/**', '**/cli/**'],
          message: 'Lower layers never import upward.',
        },
      ],
    },
  ],
}

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
    // Host code logs through the LogOutputChannel, never the console.
    files: ['src/vscode/**', 'src/extension.ts', 'src/engine/**', 'src/opencode/**'],
    rules: { 'no-console': 'error' },
  },
)
