import { describe, expect, it } from 'vitest'
import { isSecretName, REDACTED, scrubSecrets, scrubStrings } from '../../../src/engine/util/scrub-secrets'

// The scrubber every line passes through (journal, output channel, dashboard reasons, toasts, CLI
// stderr and --json report), tried on a corpus of realistic lines: each secret line names the
// secrets that must vanish and the words that must stay readable; each look-alike must come out
// unchanged.

const secretLines: [line: string, secrets: string[], kept: string[]][] = [
  // env lines and assignments
  [
    'STRIPE_SECRET_KEY=sk_live_51HqL2eKx9ZrT8vQpW3mN0aBcD',
    ['sk_live_51HqL2e', '51HqL2eKx9ZrT8vQpW3mN0aBcD'],
    ['STRIPE_SECRET_KEY='],
  ],
  [
    'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ['wJalrXUtnFEMI'],
    ['AWS_SECRET_ACCESS_KEY='],
  ],
  [
    'SECRET_KEY_BASE=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    ['9f86d081884c7d65'],
    ['SECRET_KEY_BASE='],
  ],
  ['PRIVATE_KEY=MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', ['MIIEvQIBADANBgkq'], ['PRIVATE_KEY=']],
  ['DB_PWD=Tr0ub4dor&3x', ['Tr0ub4dor'], ['DB_PWD=']],
  ['DB_PASS=Tr0ub4dor&3', ['Tr0ub4dor'], ['DB_PASS=']],
  ['CREDENTIALS={"user":"ci","key":"c2VjcmV0LWtleQ"}', ['c2VjcmV0LWtleQ'], ['CREDENTIALS=']],
  ['export GITHUB_TOKEN=not-a-real-shape-but-secret-01', ['not-a-real-shape'], ['export GITHUB_TOKEN=']],
  [
    'OPENAI_API_KEY="sk-proj-abcdefghijklmnop0123456789"',
    ['abcdefghijklmnop0123456789'],
    ['OPENAI_API_KEY='],
  ],
  [
    'OPENCODE_SERVER_PASSWORD=3qLqxRnTJnSgSs2epfcMDhMoQh-XLvv0',
    ['3qLqxRnTJnSgSs2e'],
    ['OPENCODE_SERVER_PASSWORD='],
  ],
  ['db:\n  password: hunter2\n  host: db.local', ['hunter2'], ['host: db.local']],
  // An empty value ends at its line: the next line's field survives.
  ['settings:\n  password:\n  user: bob', [], ['settings:\n', '\n  user: bob']],
  [
    'config {"apiKey":"abc123def456","baseURL":"http://127.0.0.1:4096/v1"}',
    ['abc123def456'],
    ['"baseURL":"http://127.0.0.1:4096/v1"'],
  ],
  ["client_secret: 'gOcSpX-1a2b3c4d5e6f'", ['gOcSpX-1a2b3c4d5e6f'], ['client_secret:']],
  ['NPM_AUTH=dXNlcjpwYXNz', ['dXNlcjpwYXNz'], ['NPM_AUTH=']],
  ['passphrase = correct horse battery staple', ['correct horse'], ['passphrase']],
  ['x-api-key: 7f1c0a9e5b3d4e2f', ['7f1c0a9e5b3d4e2f'], ['x-api-key:']],
  ['request options: { accessToken: "ya29.a0AfH6SMBx" }', ['ya29.a0AfH6SMBx'], ['request options']],
  // headers
  [
    'request failed: {"headers":{"Authorization":"Basic b3BlbmNvZGU6czNjcmV0"}}',
    ['b3BlbmNvZGU6czNjcmV0'],
    ['request failed'],
  ],
  [
    'APIError: 401 Unauthorized (sent Authorization: Bearer abcdefgh12345678)',
    ['abcdefgh12345678'],
    ['APIError: 401 Unauthorized'],
  ],
  ['retrying with authorization=Basic b3BlbmNvZGU6czNjcmV0', ['b3BlbmNvZGU6czNjcmV0'], ['retrying with']],
  [
    'upstream said: invalid key Bearer zyxwvuts98765432',
    ['zyxwvuts98765432'],
    ['upstream said: invalid key'],
  ],
  ['Cookie: session=eyJ1c2VyIjoxfQ; csrftoken=8f7e6d5c', ['eyJ1c2VyIjoxfQ', '8f7e6d5c'], ['Cookie:']],
  ['< Set-Cookie: sid=s%3Aabcdef0123456789; Path=/; HttpOnly', ['abcdef0123456789'], ['Set-Cookie:']],
  // argv
  ['--password s3cret-pass was wrong; password: s3cret-pass', ['s3cret-pass'], ['--password', 'was wrong']],
  ['opencode attach --password hunter2 http://127.0.0.1:4096', ['hunter2'], ['http://127.0.0.1:4096']],
  ['mysqldump --user root --password=Sup3rS3cret db', ['Sup3rS3cret'], ['--user root']],
  ['cli --api-key "abc def 123" --verbose', ['abc def 123'], ['cli --api-key']],
  ['gh auth --token ghx-not-a-known-shape-999 status', ['ghx-not-a-known-shape-999'], ['status']],
  // key shapes in prose
  [
    'provider error: Incorrect API key provided: sk-live-0123456789abcdefABCDEF at /v1',
    ['sk-live-0123456789abcdef'],
    ['provider error: Incorrect API key provided'],
  ],
  ['anthropic rejected sk-ant-api03-AbCdEfGhIjKlMnOpQrSt', ['AbCdEfGhIjKlMnOpQrSt'], ['anthropic rejected']],
  [
    'charge failed with rk_test_4eC39HqLyjWDarjtT1zdp7dc',
    ['4eC39HqLyjWDarjtT1zdp7dc'],
    ['charge failed with'],
  ],
  ['temporary creds ASIAY34FZKBOKMUTVV7A expired', ['ASIAY34FZKBOKMUTVV7A'], ['temporary creds', 'expired']],
  ['found AKIAIOSFODNN7EXAMPLE in history', ['AKIAIOSFODNN7EXAMPLE'], ['in history']],
  [
    'push rejected for github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
    ['github_pat_11ABCDEFG'],
    ['push rejected for'],
  ],
  [
    'clone with ghp_16C7e42F292c6912E7710c838347Ae178B4a ok',
    ['ghp_16C7e42F292c6912E7710c838347Ae178B4a'],
    ['clone with', 'ok'],
  ],
  [
    'GitLab said 401 for glpat-xxxxxxxxxxxxxxxxxxxx1',
    ['glpat-xxxxxxxxxxxxxxxxxxxx1'],
    ['GitLab said 401 for'],
  ],
  [
    'maps call with AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY failed',
    ['AIzaSyD-9tSrke72PouQMnMX'],
    ['maps call with', 'failed'],
  ],
  [
    'downloading with hf_abcdefghijklmnopqrstuvwxyzABCDEF12',
    ['hf_abcdefghijklmnopqrstuvwxyz'],
    ['downloading with'],
  ],
  ['publish used npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8', ['npm_a1B2c3D4e5F6g7H8i9J0'], ['publish used']],
  ['slack xoxb-1234567890-abcdefghij posted', ['xoxb-1234567890-abcdefghij'], ['slack', 'posted']],
  [
    'session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U expired',
    ['eyJzdWIiOiIxMjM0In0', 'dozjgNryP4J3jVmNHl0w5N'],
    ['session', 'expired'],
  ],
  [
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----\nnext line',
    ['MIIEowIBAAKCAQEA7'],
    ['next line'],
  ],
  // URL credentials
  ['at http://opencode:hunter22@127.0.0.1:4096/x', ['hunter22'], ['127.0.0.1:4096/x', 'http://opencode:']],
  ['connecting to redis://:p4ssw0rd@cache.internal:6379/0', ['p4ssw0rd'], ['cache.internal:6379/0']],
  [
    'DATABASE_URL is postgres://app:pa/ss@word@db.example.com:5432/app',
    ['pa/ss', 'ss@word'],
    ['db.example.com:5432/app'],
  ],
  [
    'mongodb+srv://admin:Zx9%40q@cluster0.mongodb.net/test?retryWrites=true',
    ['Zx9%40q'],
    ['cluster0.mongodb.net/test'],
  ],
]

// Lines that look like secrets to a careless pattern and must come out unchanged.
const lookAlikes = [
  '[working] 2/3 todos · worker api-auth · 1234 tokens · $0.0120',
  'maxTokens: 5000, maxCostUsd: 2.5',
  'token_count=1234 prompt_tokens=900',
  'passed: 12, failed: 0, skipped: 1',
  'author: Jane Doe <jane@example.com>',
  'bypass=true compass=north',
  '--password-file /run/secrets/opencode',
  'OPENCODE_SERVER_PASSWORD is not set; server is unsecured.',
  'Basic authentication failed for user bob',
  'use a Bearer token in the header',
  'the secret sauce is butter',
  'npm_config_cache=/home/u/.npm',
  'hf_hub_download(repo_id="gpt2")',
  'sk-learn is not a package; use scikit-learn',
  'ASIAN_MARKETS=3',
  'http://localhost:8080/users?email=jo@example.com',
  'git@github.com:org/repo.git',
  'https://github.com/org/repo/pull/12',
  'eyJhbGciOi is how a JWT header starts',
  'primary key: id',
  'monkey: banana',
  'auth_type: oauth',
  'keyboard layout: us',
  'mission completed — no check ran',
  'Error: ENOENT: no such file or directory, open /tmp/x.json',
  'worker ses_1: ProviderAuthError: the provider rejected the request',
  'AUTH_FAILED: sign in again',
  'PWD=/home/dev/project',
]

describe('scrubSecrets on a corpus of log lines', () => {
  it.each(secretLines)('redacts %j', (line, secrets, kept) => {
    const out = scrubSecrets(line)
    expect(out).toContain(REDACTED)
    for (const secret of secrets) expect(out).not.toContain(secret)
    for (const word of kept) expect(out).toContain(word)
  })

  it.each(lookAlikes)('leaves %j alone', (line) => {
    expect(scrubSecrets(line)).toBe(line)
  })

  it('is idempotent on every line of the corpus', () => {
    for (const line of [...secretLines.map(([l]) => l), ...lookAlikes]) {
      const once = scrubSecrets(line)
      expect(scrubSecrets(once)).toBe(once)
    }
  })

  it('the corpus holds at least 50 lines, secret and harmless', () => {
    expect(secretLines.length + lookAlikes.length).toBeGreaterThanOrEqual(50)
    expect(lookAlikes.length).toBeGreaterThanOrEqual(20)
  })
})

describe('secret-named fields', () => {
  it('knows a secret name by its words, not by a substring', () => {
    for (const name of ['STRIPE_SECRET_KEY', 'apiKey', 'X-Api-Key', '--password', 'DB_PASS', 'Set-Cookie'])
      expect(isSecretName(name), name).toBe(true)
    for (const name of ['maxTokens', 'token_count', 'passed', 'author', '--password-file', 'monkey'])
      expect(isSecretName(name), name).toBe(false)
  })
})

describe('scrubStrings', () => {
  it('scrubs every string of a report, however deep, and keeps keys and numbers', () => {
    const report = {
      status: 'failed',
      reason: 'provider said: Incorrect API key provided: sk-live-0123456789abcdefXYZ',
      tokens: 12,
      todos: [{ id: 'a', evidence: [{ type: 'report', summary: 'set DB_PASS=hunter2' }] }],
    }
    const out = scrubStrings(report)
    expect(JSON.stringify(out)).not.toContain('sk-live-0123456789abcdef')
    expect(JSON.stringify(out)).not.toContain('hunter2')
    expect(out.tokens).toBe(12)
    expect(out.todos[0]?.id).toBe('a')
    expect(report.reason).toContain('sk-live') // not mutated
  })
})
