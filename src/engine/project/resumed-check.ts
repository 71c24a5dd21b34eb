// The check a resumed mission runs: exactly the command it started with. The journal holds that
// command scrubbed of secrets, so a redacted one is taken from the texts kept whole, or else from the
// configured check when that is the same command; a resume never runs the scrubbed text.

import { REDACTED, scrubSecrets } from '../util/scrub-secrets'
import type { Refusal } from '../util/refusal'
import type { CheckChoice } from './check-command'

/**
 * @param journaled the options of the mission's `mission.started`
 * @param kept the command as the mission kept it whole, if it did
 * @param configured the check the current options choose
 */
export async function resumedCheck(
  journaled: Readonly<Record<string, unknown>>,
  kept: string | undefined,
  configured: () => Promise<CheckChoice>,
): Promise<CheckChoice | Refusal> {
  const command = journaled.check
  // A journal from before the check was journaled runs the configured one.
  if (typeof command !== 'string' && command !== null) return configured()
  const source = String(journaled.checkSource ?? 'journaled')
  if (command === null || !command.includes(REDACTED)) return { command, source }
  if (kept !== undefined && scrubSecrets(kept) === command) return { command: kept, source }
  const now = await configured()
  // The configured command itself, never a redacted copy of it (e.g. options read back from the journal).
  if (now.command !== null && !now.command.includes(REDACTED) && scrubSecrets(now.command) === command)
    return now
  return {
    refused:
      `The mission's check \`${command}\` was journaled with a secret redacted and its whole text is gone; ` +
      `the configured check is now ${now.command === null ? 'none' : `\`${scrubSecrets(now.command)}\``}. ` +
      `It cannot be resumed as it started: start the mission again.`,
  }
}
