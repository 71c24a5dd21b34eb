// Every notification the extension shows goes through here, its message made plain first
// (shared/toast-text.ts: no `[label](command:…)` in it can become a link that runs a command).
// The same calls as vscode.window's, by level.
import * as vscode from 'vscode'
import { plainToastText } from '../shared/toast-text'

type Show = (message: string, ...rest: (string | vscode.MessageOptions)[]) => Thenable<string | undefined>

/** A toast at one level: its buttons, or message options then buttons, as vscode.window takes them. */
interface Toast {
  <T extends string>(message: string, ...items: T[]): Thenable<T | undefined>
  <T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Thenable<T | undefined>
}

const at =
  (show: () => Show): Toast =>
  (message: string, ...rest: (string | vscode.MessageOptions)[]) =>
    show()(plainToastText(message), ...rest) as Thenable<never>

export const toast = {
  info: at(() => vscode.window.showInformationMessage as Show),
  warning: at(() => vscode.window.showWarningMessage as Show),
  error: at(() => vscode.window.showErrorMessage as Show),
}
