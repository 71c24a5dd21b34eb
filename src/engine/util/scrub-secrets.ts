// The one secret scrubber: the journal, the extension's log channel and the CLI's stderr all pass
// their text through it, so a key that a provider echoes in an error is redacted wherever it lands.

export const REDACTED = '[redacted]'

// A secret-named field followed by `:` or `=`: the value is redacted to the end of the line.
const SECRET_ASSIGNMENT = /(api[_-]?key|token|password|passwd|secret|authorization)(["']?\s*[:=]).*$/gim
const SECRET_SHAPES = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/-]{8,}=*/gi,
  /\b(?:sk|rk|pk)-[A-Za-z0-9_-]{16,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  // user:password@ in a URL
  /(?<=\/\/[^/\s:@]+:)[^/\s@]+(?=@)/g,
]

/**
 * Redacts obvious secrets: the value of any `api_key|token|password|secret|authorization` followed
 * by `:` or `=` (to the end of the line), private key blocks, Bearer and Basic credentials, URL
 * passwords and well-known key shapes. Idempotent.
 */
export function scrubSecrets(text: string): string {
  let out = text.replace(SECRET_ASSIGNMENT, `$1$2 ${REDACTED}`)
  for (const re of SECRET_SHAPES) out = out.replace(re, REDACTED)
  return out
}
