// Which workspace folder a mission runs in. With one folder there is nothing to ask; with several the
// user picks, the last choice offered first. The editor calls are injected, so this is tested without
// a workbench.

export interface FolderChoice {
  name: string
  /** The folder's URI as a string: the remembered key, stable across renames of the label. */
  uri: string
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
