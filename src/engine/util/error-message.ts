// The message of anything thrown, for logs and end reasons.

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err))
