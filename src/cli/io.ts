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
  /**
   * stderr as it is, for the status block's own cursor movements (`stderr` shows control characters
   * instead of sending them: see shared/terminal-text.ts); only when stderr is a terminal.
   */
  terminal?: (text: string) => void
}
