import type * as vscode from 'vscode'

/** Owns disposables and ends them in reverse order, once. Adding after dispose disposes at once. */
export class DisposableStore implements vscode.Disposable {
  #items: vscode.Disposable[] = []
  #done = false

  add<T extends vscode.Disposable>(d: T): T {
    if (this.#done) d.dispose()
    else this.#items.push(d)
    return d
  }

  dispose(): void {
    if (this.#done) return
    this.#done = true
    for (const d of this.#items.reverse()) d.dispose()
    this.#items = []
  }
}

export const toDisposable = (fn: () => void): vscode.Disposable => ({ dispose: fn })
