// Runs an async task one at a time on request. A request while it runs is not lost: the task runs once
// more when the current run ends, however many requests came in meanwhile.

export class SerialRunner {
  #running = false
  #again = false

  /** @param onError receives what a run threw; the next run waits for the promise it returns. */
  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (err: unknown) => void | Promise<void>,
  ) {}

  request(): void {
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = true
    void this.task()
      .catch(this.onError)
      .finally(() => {
        this.#running = false
        if (this.#again) {
          this.#again = false
          this.request()
        }
      })
  }
}
