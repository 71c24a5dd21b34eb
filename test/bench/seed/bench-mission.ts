import { missionScript, type MissionScript } from '../../../src/demo/mission-script'
import type { PlanTodo } from '../../../src/engine/protocol/mission-protocol'

// The benchmark mission of test/bench/bench.test.ts, for the side-by-side run: six todos, f after a
// and b, each worker writes its own file, a reviewer per todo, every model call at 400 ms.

export const LATENCY_MS = 400
export const GOAL = 'Six todos'

const todo = (id: string, dependsOn: string[] = []): PlanTodo => ({
  id,
  title: `Todo ${id}`,
  description: '',
  files: [`${id}.txt`],
  dependsOn,
  acceptance: [],
})

export const PLAN: PlanTodo[] = [todo('a'), todo('b'), todo('c'), todo('d'), todo('e'), todo('f', ['a', 'b'])]

/** Our planner, workers and reviewers on that mission (the bench's own script). */
export const ourScript = (): MissionScript =>
  missionScript({
    latencyMs: LATENCY_MS,
    plan: () => PLAN,
    work: (id) => ({ summary: `did ${id}`, files: { [`${id}.txt`]: `${id}\n` } }),
  })
