// Which workspace folder a mission runs in. With one folder there is nothing to ask; with several the
// user picks, the last choice offered first. The editor calls are injected, so this is tested without
// a workbench.

export interface FolderChoice {
  name: string
  /** The folder's URI as a string: the remembered key, stable across renames of the label. */
  uri: string
  /** The folder on disk, as a mission's journal names it. */
  path?: string
}

export interface FolderPickDeps {
  folders: readonly FolderChoice[]
  /** The URI remembered from the last pick (workspaceState), if any. */
  last: string | undefined
  remember(uri: string): Thenable<void> | void
  pick(
    items: { label: string; description?: string; uri: string }[],
    options: { title: string; placeHolder: string },
  ): Thenable<{ uri: string } | undefined>
}

/** Folders in pick order: the remembered one first, the rest as the workspace lists them. */
export function orderFolders(folders: readonly FolderChoice[], last: string | undefined): FolderChoice[] {
  const first = folders.find((f) => f.uri === last)
  return first ? [first, ...folders.filter((f) => f !== first)] : [...folders]
}

/**
 * The folder for a new mission, or undefined when there is none or the user dismissed the pick.
 * A pick is remembered for the next time.
 */
export async function pickFolder(d: FolderPickDeps): Promise<FolderChoice | undefined> {
  if (d.folders.length <= 1) return d.folders[0]
  const ordered = orderFolders(d.folders, d.last)
  const chosen = await d.pick(
    ordered.map((f) => ({
      label: f.name,
      uri: f.uri,
      ...(f.uri === d.last && { description: 'last used' }),
    })),
    { title: 'Orchestrator: Run Task', placeHolder: 'Which workspace folder should the mission work in?' },
  )
  const folder = chosen && d.folders.find((f) => f.uri === chosen.uri)
  if (folder) await d.remember(folder.uri)
  return folder
}

/** The folder to resume an interrupted mission in: the remembered one if it is still open. */
export function rememberedFolder(
  folders: readonly FolderChoice[],
  last: string | undefined,
): FolderChoice | undefined {
  return folders.find((f) => f.uri === last) ?? folders[0]
}

/** What the user may do about an interrupted mission whose folder is not open in this window. */
export const NotOpenChoices = {
  add: 'Add Folder to Workspace',
  discard: 'Discard',
  later: 'Not now',
} as const
type NotOpenChoice = (typeof NotOpenChoices)[keyof typeof NotOpenChoices]

/** Where a resume goes: a folder to run in, or what the user chose instead. */
export type ResumePlace =
  | { kind: 'resume'; folder: FolderChoice }
  /** Add the journaled folder to the workspace; the resume is offered again once it is open. */
  | { kind: 'addFolder'; path: string }
  | { kind: 'discard' }
  | { kind: 'later' }

/**
 * The question for a journaled folder that is not open: a mission resumes only where it ran (its
 * sessions, base and ownership are that folder's), so no other folder is offered. The folder can be
 * added to the workspace only when it is still on disk and the window is a workspace (adding one to
 * a single-folder window makes a new workspace, whose storage does not hold the journal).
 */
export function notOpenQuestion(
  journaled: string,
  o: { onDisk: boolean; canAddFolders: boolean },
): { message: string; choices: NotOpenChoice[] } {
  const head = `The interrupted mission worked in ${journaled}`
  if (!o.onDisk)
    return {
      message: `${head}, which no longer exists: it resumes only there. Discard it, or restore that folder and reload the window.`,
      choices: [NotOpenChoices.discard, NotOpenChoices.later],
    }
  if (!o.canAddFolders)
    return {
      message: `${head}, which is not open in this window: open the workspace it ran in to resume it, or discard it.`,
      choices: [NotOpenChoices.discard, NotOpenChoices.later],
    }
  return {
    message: `${head}, which is not open in this window: add that folder to the workspace to resume it, or discard it.`,
    choices: [NotOpenChoices.add, NotOpenChoices.discard, NotOpenChoices.later],
  }
}

/**
 * Where to resume an interrupted mission: the folder its journal names, when it is open; the
 * remembered one for a journal that names none (written before folders were journaled). When the
 * journaled folder is not open the user is told so and chooses what to do ({@link notOpenQuestion});
 * a dismissal is "not now".
 */
export async function resumeFolder(d: {
  folders: readonly FolderChoice[]
  last: string | undefined
  journaled: string | undefined
  onDisk(path: string): boolean
  canAddFolders: boolean
  ask(message: string, choices: NotOpenChoice[]): Thenable<string | undefined>
}): Promise<ResumePlace> {
  if (d.journaled === undefined) {
    const folder = rememberedFolder(d.folders, d.last)
    return folder ? { kind: 'resume', folder } : { kind: 'later' }
  }
  const there = d.folders.find((f) => f.path === d.journaled)
  if (there) return { kind: 'resume', folder: there }
  const q = notOpenQuestion(d.journaled, { onDisk: d.onDisk(d.journaled), canAddFolders: d.canAddFolders })
  const chosen = await d.ask(q.message, q.choices)
  if (chosen === NotOpenChoices.add && q.choices.includes(NotOpenChoices.add))
    return { kind: 'addFolder', path: d.journaled }
  if (chosen === NotOpenChoices.discard) return { kind: 'discard' }
  return { kind: 'later' }
}
