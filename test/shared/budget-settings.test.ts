import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUDGET_KINDS, SETTING_BUDGET_KINDS } from '../../src/shared/budget-kinds'

interface SettingSchema {
  type: string
  default: unknown
  minimum?: number
}

const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } }
}
const properties = pkg.contributes.configuration.properties

// package.json cannot be generated from the table: these tests keep the two in step. A budget's
// setting is named `orchestrator.max*`; the other settings of that form are not budgets.
const NOT_BUDGETS = new Set(['orchestrator.maxConcurrency'])

describe.each(SETTING_BUDGET_KINDS.map((k) => [k.setting.key, k] as const))(
  'the budget setting orchestrator.%s',
  (key, kind) => {
    const schema = properties[`orchestrator.${key}`]

    it('is contributed in package.json', () => {
      expect(schema).toBeDefined()
    })

    it("defaults to its kind's default, and has the minimum the settings reader accepts", () => {
      if (kind.setting.zeroIsNone) {
        expect(kind.default).toBe(Infinity)
        expect(schema).toMatchObject({ default: 0, minimum: 0 })
      } else {
        expect(schema?.type).toBe('integer')
        expect(schema?.minimum).toBe(1)
        expect((schema?.default as number) * kind.setting.scale).toBe(kind.default)
      }
    })
  },
)

describe('budget settings in package.json', () => {
  it('are each a row of the budget table', () => {
    const budgetSettings = Object.keys(properties).filter(
      (p) => p.startsWith('orchestrator.max') && !NOT_BUDGETS.has(p),
    )
    const tableSettings = BUDGET_KINDS.flatMap((k) => (k.setting ? [`orchestrator.${k.setting.key}`] : []))
    expect(budgetSettings.sort()).toEqual(tableSettings.sort())
  })
})
