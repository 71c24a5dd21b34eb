import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain ES module shared with ESLint's config, without types
import { ENGINE_ROOMS } from '../../lint/engine-rooms.mjs'

const root = join(__dirname, '../..')
const folders = (dir: string) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()

/** The rooms the header comment of mission.ts lists (`//   util/      …`), in its order. */
function headerRooms(): string[] {
  const text = readFileSync(join(root, 'src/engine/mission.ts'), 'utf8')
  return [...text.matchAll(/^\/\/ {3}(\w+)\/ /gm)].map((m) => m[1] ?? '')
}

describe("the engine's rooms", () => {
  const rooms = ENGINE_ROOMS as string[]

  it('the lint fence names every folder of src/engine, and no other', () => {
    expect([...rooms].sort()).toEqual(folders('src/engine'))
  })

  it("mission.ts's header lists the rooms in the fence's order", () => {
    expect(headerRooms()).toEqual(rooms)
  })

  it('test/engine mirrors them (plus mission/, the tests that drive a whole Mission)', () => {
    expect(folders('test/engine')).toEqual([...rooms, 'mission'].sort())
  })
})
