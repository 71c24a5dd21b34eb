// What the check's run on the mission's base says about the project: it passes; it fails (a normal
// case when the goal is to add or fix what the check tests); or the project's environment is not set
// up (the command or a dependency is missing, the tests cannot even be collected), which no plan can
// be trusted to fix: the mission asks or stops before any work.

export type BaselineClass = 'passes' | 'fails' | 'not-set-up'

export interface BaselineRun {
  exitCode: number | null
  timedOut: boolean
  output: string
}

export interface BaselineVerdict {
  classification: BaselineClass
  /** Why the environment counts as not set up, e.g. "command not found". */
  diagnosis?: string
}

/** A module a file of the project itself would provide (`./greet`, `../lib/x`, `/abs/path`) is no dependency. */
const isPathModule = (name: string) => /^(?:\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])/.test(name)

/** Signs of a project whose environment is not set up, in the order they are looked for. */
const NOT_SET_UP: readonly { test: (run: BaselineRun) => string | undefined }[] = [
  {
    test: (r) =>
      r.exitCode === 127 || /is not recognized as an internal or external command/.test(r.output)
        ? 'command not found'
        : undefined,
  },
  {
    test: (r) => {
      for (const m of r.output.matchAll(/Cannot find (?:module|package) '([^']+)'/g)) {
        const name = m[1] ?? ''
        if (!isPathModule(name)) return `a missing module: Cannot find module '${name}'`
      }
      return undefined
    },
  },
  {
    test: (r) => {
      const m = /(?:ModuleNotFoundError: )?No module named '?([\w.]+)'?/.exec(r.output)
      return m ? `a missing module: No module named '${m[1] ?? ''}'` : undefined
    },
  },
  {
    // pytest: 2 = interrupted (collection errors), 4 = usage error.
    test: (r) =>
      (r.exitCode === 2 || r.exitCode === 4) && /ERROR collecting|ImportError while importing/.test(r.output)
        ? 'a test collection error'
        : undefined,
  },
]

/** Classifies the baseline run of the check (see the module comment). */
export function classifyBaseline(run: BaselineRun): BaselineVerdict {
  if (run.exitCode === 0 && !run.timedOut) return { classification: 'passes' }
  if (!run.timedOut)
    for (const sign of NOT_SET_UP) {
      const diagnosis = sign.test(run)
      if (diagnosis) return { classification: 'not-set-up', diagnosis }
    }
  return { classification: 'fails' }
}
