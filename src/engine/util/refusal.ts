// The answer to a user's request that cannot apply: a sentence saying what is wrong and what to do.
// Requests from the UI are refused this way rather than thrown, so every caller shows the reason.

export interface Refusal {
  refused: string
}
