// Todos for integration missions: each writes one file, `<id>.txt`, and the scripted worker's result
// that writes it.
import type { PlanTodo } from '../../src/engine/protocol/mission-protocol'

export const todo = (id: string, dependsOn: string[] = []): PlanTodo => ({
  id,
  title: `Write ${id}`,
  description: `Create ${id}.txt`,
  files: [`${id}.txt`],
  dependsOn,
  acceptance: [`${id}.txt exists`],
})

export const writes = (id: string) => ({ files: { [`${id}.txt`]: `${id}\n` }, summary: `wrote ${id}.txt` })
