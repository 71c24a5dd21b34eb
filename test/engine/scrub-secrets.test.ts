import { describe, expect, it } from 'vitest'
import { REDACTED, scrubSecrets } from '../../src/engine/util/scrub-secrets'

// The scrubber every log line passes through (journal, output channel, CLI stderr).

describe('scrubSecrets on log lines', () => {
  it('redacts Authorization headers, Basic and Bearer credentials, wherever they sit in a line', () => {
    const lines = [
      'request failed: {"headers":{"Authorization":"Basic b3BlbmNvZGU6czNjcmV0"}}',
      'APIError: 401 Unauthorized (sent Authorization: Bearer abcdefgh12345678)',
      'retrying with authorization=Basic b3BlbmNvZGU6czNjcmV0',
      'upstream said: invalid key Bearer zyxwvuts98765432',
    ]
    for (const line of lines) {
      const out = scrubSecrets(line)
      expect(out).toContain(REDACTED)
      for (const secret of ['b3BlbmNvZGU6czNjcmV0', 'abcdefgh12345678', 'zyxwvuts98765432'])
        expect(out).not.toContain(secret)
    }
  })

  it('redacts API keys, passwords and URL credentials, and keeps the rest of the line readable', () => {
    const out = scrubSecrets(
      'provider error: Incorrect API key provided: sk-live-0123456789abcdefABCDEF at http://opencode:hunter22@127.0.0.1:4096/x',
    )
    expect(out).not.toContain('sk-live-0123456789abcdef')
    expect(out).not.toContain('hunter22')
    expect(out).toContain('provider error: Incorrect API key provided')
    expect(out).toContain('127.0.0.1:4096/x')
    expect(scrubSecrets('--password s3cret-pass was wrong; password: s3cret-pass')).not.toContain(
      'password: s3cret-pass',
    )
  })

  it('leaves ordinary progress lines alone and is idempotent', () => {
    const line = '[working] 2/3 todos · worker api-auth · 1234 tokens · $0.0120'
    expect(scrubSecrets(line)).toBe(line)
    const once = scrubSecrets('token=abc Authorization: Basic b3BlbmNvZGU6czNjcmV0')
    expect(scrubSecrets(once)).toBe(once)
  })
})
