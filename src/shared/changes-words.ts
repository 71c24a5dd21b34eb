// How a worktree mission's changes at the end are told, by the host's toasts and the dashboard alike:
// the folder and branch every Apply names, and a line for where the changes stand.

import type { ChangesView } from './protocol'

export const filesWord = (n: number) => `${n} file${n === 1 ? '' : 's'}`

/** "my-project (main)": the folder Apply writes into and the branch checked out there. */
export const targetName = (target: ChangesView['target']) =>
  target.branch ? `${target.folder} (${target.branch})` : target.folder

/** The label of every button that writes into the user's folder. */
export const applyLabel = (target: ChangesView['target']) => `Apply to ${targetName(target)}`

/** How to bring a kept branch in by hand. */
export const mergeHint = (branch: string) =>
  `git merge ${branch} brings it in (commit or stash your own changes first)`

/** Files neither applied nor left yet. */
export const remaining = (view: ChangesView) => view.files.filter((f) => f.fate === undefined)

/** Files Apply left because the user changed them since the mission started. */
export const leftFiles = (view: ChangesView) =>
  view.files.filter((f) => f.fate === 'skipped').map((f) => f.path)

const listed = (paths: readonly string[], max = 3) =>
  paths.length <= max ? paths.join(', ') : `${paths.slice(0, max).join(', ')} and ${paths.length - max} more`

/** Where the changes stand, in a sentence. */
export function outcomeWords(view: ChangesView): string {
  const target = targetName(view.target)
  const applied = view.files.filter((f) => f.fate === 'applied').length
  const left = leftFiles(view)
  switch (view.status) {
    case 'pending': {
      const open = remaining(view).length
      return open < view.files.length
        ? `${filesWord(open)} of ${view.files.length} on ${view.branch} still to apply to ${target}.`
        : `${filesWord(view.files.length)} changed on ${view.branch}, not yet in ${target}.`
    }
    case 'applied':
      return `Applied ${filesWord(applied)} to ${target}; ${view.branch} is removed.`
    case 'partial':
      return `Applied ${filesWord(applied)} to ${target}. Left ${filesWord(left.length)} you changed since the mission started (${listed(left)}): ${view.branch} keeps the mission's version to merge.`
    case 'kept':
      return `Branch ${view.branch} kept: ${mergeHint(view.branch)}.`
    case 'discarded':
      return applied
        ? `Discarded the rest: ${view.branch} is removed (the ${filesWord(applied)} applied before stay).`
        : `Discarded: ${view.branch} is removed; ${target} is as it was.`
  }
}
