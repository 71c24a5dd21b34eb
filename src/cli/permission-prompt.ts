import { createInterface } from 'node:readline/promises'
import { errorMessage } from '../engine/util/error-message'
import type { Mission } from '../engine/mission'
import type { PermissionAsk } from '../engine/record/mission-state'
import type { PermissionReply } from '../engine/ports'
import type { CliIo } from './io'
import { terminalText } from '../shared/terminal-text'

/**
 * Answers the mission's permission inbox from the terminal: asks on a TTY (one question at a time),
 * and without one rejects with a message saying how to allow it up front. Returns its undo.
 */
export function answerPermissions(
  mission: Mission,
  io: CliIo,
  interactive: boolean,
  /** Called before a question is asked; its result is called once it is answered. */
  suspendOutput: () => () => void = () => () => {},
): () => void {
  const handled = new Set<string>()
  let queue = Promise.resolve()
  const off = mission.onChange((s) => {
    for (const ask of s.inbox) {
      if (handled.has(ask.requestId)) continue
      handled.add(ask.requestId)
      queue = queue.then(async () => {
        const resume = interactive ? suspendOutput() : undefined
        await answer(mission, io, ask, interactive).finally(() => resume?.())
      })
    }
  })
  return off
}

async function answer(mission: Mission, io: CliIo, ask: PermissionAsk, interactive: boolean): Promise<void> {
  // The patterns are the model's (the command it would run): shown with any control character in
  // them visible, so what is asked is what the user reads.
  const what = terminalText(
    `${ask.role}${ask.todoId ? ` (${ask.todoId})` : ''} asks for ${ask.permission}: ${ask.patterns.join(', ')}`,
  )
  let reply: PermissionReply = 'reject'
  if (interactive) {
    const rl = createInterface({ input: process.stdin, output: process.stderr })
    const text = (await rl.question(`${what}\nAllow? [o]nce / [a]lways / [N]o: `)).trim().toLowerCase()
    rl.close()
    reply =
      text === 'o' || text === 'once' || text === 'y'
        ? 'once'
        : text === 'a' || text === 'always'
          ? 'always'
          : 'reject'
  } else {
    io.stderr(
      `${what}\nrejected: no terminal to ask (allow it up front with "permission" in --opencode-config)\n`,
    )
  }
  await mission.replyPermission(ask.requestId, reply).catch((err: unknown) => {
    io.stderr(`permission reply failed: ${errorMessage(err)}\n`)
  })
}
