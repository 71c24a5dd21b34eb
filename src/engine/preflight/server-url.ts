// The address of a server to attach to, checked before anything connects to it.

/** Why a server URL cannot be used, or undefined when it can (any http(s) URL, loopback or not). */
export function serverUrlProblem(raw: string): string | undefined {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    return `"${raw}" is not a URL: give the OpenCode server's address, e.g. http://127.0.0.1:4096`
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `"${raw}" is not an http(s) URL: give the OpenCode server's address, e.g. http://127.0.0.1:4096`
  if (url.username || url.password)
    return `"${url.host}": put the password in its own field (--password, or the password prompt), not in the URL`
  return undefined
}
