// The path part of a read-only document's URI: it names the editor tab, so it must be a valid,
// readable file name; what the provider reads goes in the query.

export function documentName(title: string, fallback: string): string {
  return (
    title
      .replace(/[\\/:*?"<>|#%]+/g, ' ')
      .slice(0, 80)
      .trim() || fallback
  )
}
