// The one secret scrubber: the journal, the extension's log channel, the dashboard's and the toasts'
// reasons, the CLI's stderr and its --json report all pass their text through it, so a key that a
// provider echoes in an error is redacted wherever it lands.
//
// A hand-grown table rather than a maintained pattern list: the candidates (secretlint's rule presets,
// e.g. @secretlint/secretlint-rule-preset-recommend) are rules for secretlint's asynchronous, file-
// oriented lint engine, not patterns a synchronous string function can apply, and this module must
// stay free of dependencies (src/engine imports nothing of node or npm). Every shape below is pinned
// by the corpus in test/engine/util/scrub-secrets.test.ts, with harmless look-alikes that must survive.

export const REDACTED = '[redacted]'

/** Words that make a field, variable or flag name secret-named (names are split at `_ - .` and camelCase). */
const SECRET_WORDS = new Set([
  'secret',
  'secrets',
  'password',
  'passwords',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'token',
  'credential',
  'credentials',
  'apikey',
  'auth',
  'authorization',
  'cookie',
  'cookies',
])
/** Two words that together name a secret: `API_KEY`, `privateKey`, `x-access-key`… */
const SECRET_PAIRS = new Set(['api key', 'private key', 'access key', 'signing key', 'encryption key'])
/**
 * A name ending in one of these names something about a secret, not the secret: `token_count`,
 * `--password-file`, `ProviderAuthError: …` (whose message says what went wrong).
 */
const NOT_THE_SECRET = new Set([
  'count',
  'counts',
  'limit',
  'limits',
  'type',
  'usage',
  'length',
  'size',
  'file',
  'path',
  'ttl',
  'expiry',
  'expires',
  'error',
  'errors',
  'exception',
  'failed',
  'failure',
])

/** True for a name like `STRIPE_SECRET_KEY`, `apiKey`, `--password`, `Set-Cookie`, `DB_PASS`. */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
  if (words.length === 0 || NOT_THE_SECRET.has(words[words.length - 1] as string)) return false
  // `PWD` alone is the shell's working directory; `DB_PWD` is a password.
  if (words.length === 1 && words[0] === 'pwd') return false
  return words.some((w, i) => SECRET_WORDS.has(w) || SECRET_PAIRS.has(`${w} ${words[i + 1]}`))
}

// A field name, then `:` or `=`. Names are matched whole and then judged by isSecretName (one
// linear pass: a pattern that searched names for secret words backtracked quadratically on long runs).
const NAME_AND_SEPARATOR = /(?<![\w.-])(-{0,2}[A-Za-z_][\w.-]*)(["']?[ \t]*[:=][ \t]*)/g
/** A secret field's value: a quoted string, else the rest of the line (a header's value holds spaces). */
const FIELD_VALUE = /"[^"\n]*"?|'[^'\n]*'?|[^\n]*/y
// A command-line flag and its separate value: `--password hunter2`, `--api-key sk-…`.
const FLAG_VALUE = /(?<![\w-])(--?[A-Za-z][\w-]*)([ \t]+)(?![-\s])([^\s'"]+|"[^"\n]*"|'[^'\n]*')/g

const SECRET_SHAPES: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  // A credential after Bearer/Basic: with a digit, or long (so "Basic authentication" stays).
  /\b(?:Bearer|Basic)\s+(?:(?=[\w.~+/-]*\d)[\w.~+/-]{8,}|[\w.~+/-]{20,})=*/gi,
  /\b(?:sk|rk|pk)-[A-Za-z0-9_-]{16,}/g, // OpenAI, Anthropic (sk-ant-…) and the like
  /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}/g, // Stripe
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bgl(?:pat|dt|rt|ptt|cbt)-[A-Za-z0-9_-]{20,}/g, // GitLab
  /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bAIza[0-9A-Za-z_-]{35}/g, // Google API keys
  /\bhf_[A-Za-z0-9]{30,}/g, // Hugging Face
  /\bnpm_[A-Za-z0-9]{36}\b/g,
  /\bxox[abeprs]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bxapp-[A-Za-z0-9-]{10,}/g,
  /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, // JWT (header.payload.signature)
]

// The password of `scheme://user:password@host`, which may be empty-usered (`redis://:pw@host`) and
// may hold `/` or `@`: it runs to the last `@` that a host follows. A port (`host:8080/…`) is no password.
const URL_PASSWORD =
  /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)(?!\d{1,5}(?:[/?#\s]|$))\S+@(?=[\w-]+(?:\.[\w-]+)*(?::\d+)?(?:[/?#\s"'),;]|$))/gi

function scrubAssignments(text: string): string {
  let out = ''
  let copied = 0
  NAME_AND_SEPARATOR.lastIndex = 0
  for (let m = NAME_AND_SEPARATOR.exec(text); m; m = NAME_AND_SEPARATOR.exec(text)) {
    if (!isSecretName(m[1] as string)) continue
    FIELD_VALUE.lastIndex = NAME_AND_SEPARATOR.lastIndex
    const value = FIELD_VALUE.exec(text)?.[0] ?? ''
    const quote = value[0] === '"' || value[0] === "'" ? value[0] : ''
    const closed = quote && value.length > 1 && value.endsWith(quote) ? quote : ''
    const head = text.slice(copied, NAME_AND_SEPARATOR.lastIndex).trimEnd()
    out += `${head} ${quote}${REDACTED}${closed}`
    copied = NAME_AND_SEPARATOR.lastIndex + value.length
    NAME_AND_SEPARATOR.lastIndex = Math.max(copied, NAME_AND_SEPARATOR.lastIndex + 1)
  }
  return out + text.slice(copied)
}

/**
 * Redacts secrets in free text: the value of a secret-named field (`api_key`, `STRIPE_SECRET_KEY`,
 * `DB_PASS`, `Cookie`, `Authorization`…) after `:` or `=`, the value after a secret-named flag
 * (`--password hunter2`), private key blocks, Bearer and Basic credentials, URL passwords, JWTs and
 * well-known key shapes (OpenAI/Anthropic, Stripe, GitHub, GitLab, AWS, Google, Hugging Face, npm,
 * Slack). Idempotent.
 */
export function scrubSecrets(text: string): string {
  let out = scrubAssignments(text)
  out = out.replace(FLAG_VALUE, (all, flag: string, gap: string) =>
    isSecretName(flag) ? `${flag}${gap}${REDACTED}` : all,
  )
  for (const re of SECRET_SHAPES) out = out.replace(re, REDACTED)
  return out.replace(URL_PASSWORD, `$1${REDACTED}@`)
}

/** A copy of a JSON-like value with every string in it scrubbed (keys and non-strings kept). */
export function scrubStrings<T>(value: T): T {
  if (typeof value === 'string') return scrubSecrets(value) as T
  if (Array.isArray(value)) return value.map((v: unknown) => scrubStrings(v)) as T
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubStrings(v)])) as T
  return value
}
