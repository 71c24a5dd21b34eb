import { describe, expect, it } from 'vitest'
import { cutLine } from '../../../src/engine/util/cut-line'

describe('a line cut to a width', () => {
  it('keeps a line that fits, and cuts a longer one to the width with an ellipsis', () => {
    expect(cutLine('abc', 3)).toBe('abc')
    expect(cutLine('abcd', 3)).toBe('ab…')
  })
})
