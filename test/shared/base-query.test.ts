import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { baseQuery, readBaseQuery } from '../../src/vscode/base-query'

// `orchestrator-base:` URIs can come from any link, so the query is untrusted: only an object id as
// the base, and only a folder of the open workspace as git's directory.

const ws = join(tmpdir(), 'orch-ws')
const other = join(tmpdir(), 'orch-other')
const ref = 'a'.repeat(40)
const query = (q: Record<string, string>) => new URLSearchParams(q).toString()

describe('the base document a URI names', () => {
  it('reads back what the diff editor wrote', () => {
    const base = { kind: 'git' as const, ref, untracked: ['new.txt'] }
    expect(readBaseQuery(baseQuery(ws, 'src/a.ts', base), '/src/a.ts', [ws])).toEqual({
      absent: false,
      dir: ws,
      ref,
      path: 'src/a.ts',
    })
    expect(readBaseQuery(baseQuery(ws, 'new.txt', base), '/new.txt', [ws])).toEqual({ absent: true })
    expect(readBaseQuery(baseQuery(ws, 'gone.txt', 'absent'), '/gone.txt', [ws])).toEqual({ absent: true })
    // A SHA-256 repository's ids, and a folder inside a workspace folder.
    const sha256 = 'f'.repeat(64)
    expect(readBaseQuery(query({ dir: join(ws, 'pkg'), ref: sha256 }), '/a.ts', [other, ws])).toMatchObject({
      dir: join(ws, 'pkg'),
      ref: sha256,
    })
  })

  it('refuses a base that is not an object id', () => {
    for (const bad of [
      '--output=/tmp/x',
      'HEAD',
      'HEAD~1',
      'main',
      `${ref}^`,
      `${ref}:x`,
      'A'.repeat(40),
      'a'.repeat(41),
    ])
      expect(() => readBaseQuery(query({ dir: ws, ref: bad }), '/a.ts', [ws]), bad).toThrow(
        'is not a mission base (expected a git object id, 40 or 64 hex digits)',
      )
    expect(() => readBaseQuery(query({ dir: ws }), '/a.ts', [ws])).toThrow('names no mission base')
  })

  it('refuses a directory outside the open workspace', () => {
    for (const dir of [
      other,
      join(ws, '..'),
      join(ws, '..', 'orch-other'),
      `${ws}/../orch-other`,
      `${ws}-x`,
      '../',
      'orch-ws',
      '--output=/tmp/x',
      '/',
    ])
      expect(() => readBaseQuery(query({ dir, ref }), '/a.ts', [ws]), dir).toThrow(
        'is not a folder of the open workspace',
      )
    expect(() => readBaseQuery(query({ dir: ws, ref }), '/a.ts', [])).toThrow(
      'is not a folder of the open workspace',
    )
  })

  it('refuses a file outside the folder', () => {
    for (const path of ['/../etc/passwd', '//etc/passwd', '/a/../../b'])
      expect(() => readBaseQuery(query({ dir: ws, ref }), path, [ws]), path).toThrow(
        'is not a path inside the workspace',
      )
  })
})
