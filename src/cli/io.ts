/** What the CLI commands read and write; tests pass their own. */
export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  env: NodeJS.ProcessEnv
  cwd: string
  /** The package's root folder (the parent of dist/). */
  packageRoot: string
  /** Width of the terminal stderr writes to; undefined when stderr is not a terminal (CI, pipes). */
  terminalColumns?: () => number
}
