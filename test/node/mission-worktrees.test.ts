import { describe, expect, it } from 'vitest'
import { oneAfterAnother } from '../../src/node/mission-worktrees'

describe('oneAfterAnother', () => {
  it('readies folders one at a time in order, and skips one no longer wanted when its turn comes', async () => {
    const readied: string[] = []
    let running = 0
    let most = 0
    const gates = new Map<string, () => void>()
    const ready = (dir: string) =>
      new Promise<void>((resolve) => {
        running++
        most = Math.max(most, running)
        readied.push(dir)
        gates.set(dir, () => {
          running--
          resolve()
        })
      })
    const queue = oneAfterAnother(ready)
    let secondWanted = true
    queue('one', () => true)
    queue('two', () => secondWanted)
    queue('three', () => true)
    await expect.poll(() => readied).toEqual(['one'])
    // While the first is readied, the plan turns out to need fewer folders.
    secondWanted = false
    gates.get('one')?.()
    await expect.poll(() => readied).toEqual(['one', 'three'])
    gates.get('three')?.()
    expect(most).toBe(1)
  })

  it('goes on after a folder that could not be readied', async () => {
    const readied: string[] = []
    const queue = oneAfterAnother(async (dir) => {
      readied.push(dir)
      if (dir === 'bad') throw new Error('no server')
    })
    queue('bad', () => true)
    queue('good', () => true)
    await expect.poll(() => readied).toEqual(['bad', 'good'])
  })
})
