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

/**
 * The folder to resume an interrupted mission in: the one its journal names, when it is open; the
 * remembered one for a journal that names none (written before folders were journaled). When the
 * journal's folder is not open any more the user is asked, the folder named; a dismissal resumes
 * nothing.
 */
export async function resumeFolder(
  d: Pick<FolderPickDeps, 'folders' | 'last' | 'pick'> & { journaled: string | undefined },
): Promise<FolderChoice | undefined> {
  if (d.journaled === undefined) return rememberedFolder(d.folders, d.last)
  const there = d.folders.find((f) => f.path === d.journaled)
  if (there) return there
  if (d.folders.length === 0) return undefined
  const chosen = await d.pick(
    d.folders.map((f) => ({ label: f.name, uri: f.uri, ...(f.path && { description: f.path }) })),
    {
      title: `Orchestrator: the interrupted mission worked in ${d.journaled}, which is not open`,
      placeHolder: 'Resume it in which folder? (Esc: not now)',
    },
  )
  return chosen && d.folders.find((f) => f.uri === chosen.uri)
}
