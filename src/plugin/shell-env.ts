// What a tool shell must not inherit from the server. OpenCode runs the agents' shell commands with
// the server's own environment (`{ ...process.env, ...shellEnvHook.env }`), so without this an
// agent's `env` prints the server's password (with which it could answer its own permission asks
// over HTTP) and the config content (a user's provider keys) into the model's context.

/** Server variables kept from tool shells: the server's credentials and its config content. */
export const SERVER_SECRET_VARS = [
  'OPENCODE_SERVER_PASSWORD',
  'OPENCODE_SERVER_USERNAME',
  'OPENCODE_CONFIG_CONTENT',
  // Credentials OpenCode 1.18 reads from its environment too (provider auth, its API and console keys).
  'OPENCODE_AUTH_CONTENT',
  'OPENCODE_API_KEY',
  'OPENCODE_CONSOLE_TOKEN',
] as const

/**
 * Unsets the server's secrets in a `shell.env` hook's output. OpenCode spreads this output over its
 * own environment, so a deleted key would still be inherited: each is set to `undefined`, which the
 * spawn drops (verified with opencode-ai 1.18.33 by test/integration/agent-env.test.ts).
 */
export function hideServerSecrets(env: Record<string, string | undefined>): void {
  for (const name of SERVER_SECRET_VARS) env[name] = undefined
}
