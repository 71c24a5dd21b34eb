import { describe, expect, it } from 'vitest'
import { IF_CHECK_FAILS } from '../../src/engine/mission-options'
import { choiceSetting, numberSetting } from '../../src/vscode/setting-checks'

describe('numeric settings', () => {
  const whole = { integer: true, min: 1 }

  it('passes a value that keeps the rule', () => {
    expect(numberSetting('maxConcurrency', 4, whole)).toBe(4)
    expect(numberSetting('maxCostUsd', 0, { integer: false, min: 0 })).toBe(0)
    expect(numberSetting('maxCostUsd', 2.5, { integer: false, min: 0 })).toBe(2.5)
  })

  it('names the setting and what it must be for a value VS Code only warned about', () => {
    expect(() => numberSetting('maxConcurrency', 0, whole)).toThrow(
      'Setting orchestrator.maxConcurrency must be a whole number >= 1, got 0',
    )
    expect(() => numberSetting('maxIterations', 2.5, whole)).toThrow('got 2.5')
    expect(() => numberSetting('maxMinutes', '10', whole)).toThrow('got "10"')
    expect(() => numberSetting('maxMinutes', null, whole)).toThrow('got null')
    expect(() => numberSetting('maxTokens', -1, { integer: false, min: 0, note: '0: no budget' })).toThrow(
      'Setting orchestrator.maxTokens must be a number >= 0 (0: no budget), got -1',
    )
  })
})

describe('enumerated settings', () => {
  it('passes a known choice, and the fallback when unset', () => {
    expect(choiceSetting('ifCheckFails', 'stop', IF_CHECK_FAILS, 'ask')).toBe('stop')
    expect(choiceSetting('ifCheckFails', 'continue', IF_CHECK_FAILS, 'ask')).toBe('continue')
    expect(choiceSetting('ifCheckFails', undefined, IF_CHECK_FAILS, 'ask')).toBe('ask')
  })

  it('names the setting and its choices for a value VS Code only warned about', () => {
    expect(() => choiceSetting('ifCheckFails', 'Ask', IF_CHECK_FAILS, 'ask')).toThrow(
      'Setting orchestrator.ifCheckFails must be one of ask, continue, stop, got "Ask"',
    )
    expect(() => choiceSetting('ifCheckFails', null, IF_CHECK_FAILS, 'ask')).toThrow('got null')
  })
})
