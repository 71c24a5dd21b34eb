import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../engine/ports'
import { isMissionId } from '../engine/protocol/ownership'
import { interruptedMission, latestInterrupted, type InterruptedMission } from './interrupted-missions'

/**
 * The mission `orchestrator run --resume [<id>]` (or `/task --resume [<id>]`) continues: the one named, or the latest interrupted
 * one of the journal folder. A string says why there is none.
 */
export async function findResumable(
  journalDir: string,
  id: string | undefined,
  log: Logger,
): Promise<InterruptedMission | string> {
  const listed = 'orchestrator history lists the missions'
  if (id === undefined)
    return (await latestInterrupted(journalDir, log)) ?? `no interrupted mission in ${journalDir} (${listed})`
  if (!isMissionId(id)) return `--resume: "${id}" is not a mission id (${listed})`
  if (!existsSync(join(journalDir, `${id}.jsonl`)))
    return `--resume: no mission ${id} in ${journalDir} (${listed})`
  return (
    (await interruptedMission(journalDir, id)) ??
    `--resume: mission ${id} was not interrupted: it ended (orchestrator history says how)`
  )
}
