import { describe, expect, it } from 'vitest'
import { checkCommandDraft, checkCommandProblem } from '../../src/shared/check-command-text'

describe('a check command the user types', () => {
  it('is refused while it holds the placeholder of a secret that is not shown (it would run as typed)', () => {
    expect(checkCommandProblem('API_KEY=[redacted] npm test')).toMatch(/Type the whole command/)
    expect(checkCommandProblem('API_KEY=abc npm test')).toBeUndefined()
  })

  it('starts from the command as shown, or from nothing when a secret in it is not shown', () => {
    expect(checkCommandDraft('npm test')).toBe('npm test')
    expect(checkCommandDraft('DATABASE_URL=postgres://app:[redacted]@db/app npm test')).toBe('')
  })
})
