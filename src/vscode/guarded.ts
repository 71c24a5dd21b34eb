// A command or intent handler that never throws into VS Code: a failure is logged and shown as an
// error that names the action.

import type { Logger } from '../engine/ports'
import { errorMessage } from '../engine/util/error-message'
import { toast } from './toast'

export const guardedBy =
  (log: Logger) =>
  <A extends unknown[]>(what: string, fn: (...args: A) => Promise<void>) =>
  (...args: A): Promise<void> =>
    fn(...args).catch((err: unknown) => {
      log.error(`${what} failed: ${errorMessage(err)}`)
      void toast.error(`${what} failed: ${errorMessage(err)}`)
    })
