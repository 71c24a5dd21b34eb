// A check command the user types (the dashboard's field, the host's input box): what is wrong with it,
// if anything. The host's guard (isWebviewToHost) holds the same bounds.

import { REDACTED } from '../engine/util/scrub-secrets'
import { CHECK_COMMAND_MAX_CHARS } from './protocol'

/** Why `text` cannot be the check command, or undefined when it can (once trimmed). */
export function checkCommandProblem(text: string): string | undefined {
  const command = text.trim()
  if (command === '') return 'Type a check command, e.g. npm test.'
  if (command.length > CHECK_COMMAND_MAX_CHARS)
    return `A check command has at most ${CHECK_COMMAND_MAX_CHARS} characters.`
  if (command.includes(REDACTED))
    return `Type the whole command: ${REDACTED} stands for a secret that is not shown, and would run as typed.`
  return undefined
}

/**
 * The text a change of the check starts from: the command as shown, or nothing when a secret in it is
 * not shown (the placeholder is not the command).
 */
export function checkCommandDraft(shown: string): string {
  return shown.includes(REDACTED) ? '' : shown
}
