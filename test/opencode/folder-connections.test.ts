import { describe, expect, it } from 'vitest'
import { FolderConnections } from '../../src/opencode/folder-connections'

class FakeConnection {
  disposed = false
  constructor(readonly directory: string) {}
  async dispose(): Promise<void> {
    this.disposed = true
  }
}

describe('connections keyed by folder', () => {
  it('gives each folder its own connection, whatever was asked for before, and one start per folder', async () => {
    const opened: string[] = []
    const folders = new FolderConnections(async (dir) => {
      opened.push(dir)
      return new FakeConnection(dir)
    })
    const [a1, a2] = await Promise.all([folders.ensure('/w/a'), folders.ensure('/w/a/')])
    expect(a1).toBe(a2)
    const b = await folders.ensure('/w/b')
    expect(b.directory).toBe('/w/b')
    expect(await folders.ensure('/w/a')).toBe(a1)
    expect(opened).toEqual(['/w/a', '/w/b'])
    expect(folders.get('/w/b')).toBe(b)

    // A failed connection is dropped: the next ensure opens a new one; a stale forget does nothing.
    folders.forget('/w/b', b)
    folders.forget('/w/a', new FakeConnection('/w/a'))
    const b2 = await folders.ensure('/w/b')
    expect(b2).not.toBe(b)
    expect(await folders.ensure('/w/a')).toBe(a1)

    await folders.stopAll()
    expect([a1.disposed, b2.disposed]).toEqual([true, true])
    expect(folders.get('/w/a')).toBeUndefined()
  })

  it('lets a failed start be tried again', async () => {
    let fail = true
    const folders = new FolderConnections(async (dir) => {
      if (fail) throw new Error('no server')
      return new FakeConnection(dir)
    })
    await expect(folders.ensure('/w/a')).rejects.toThrow('no server')
    fail = false
    expect((await folders.ensure('/w/a')).directory).toBe('/w/a')
  })
})
