import type { PlanTodo } from '../engine/protocol/mission-protocol'
import { missionScript, type MissionScript, type MissionScriptOptions } from './mission-script'

// The demo mission: a tiny ES-module project, a six-todo plan (five independent todos and a test
// todo that needs two of them), and workers that write real code, a real test and real docs, so
// the project's own check command passes at the end.

/** The files of the demo's sample project. */
export const DEMO_FILES: Record<string, string> = {
  'README.md': '# greeter\n\nA tiny sample project for the orchestrator demo.\n',
  'package.json':
    JSON.stringify(
      { name: 'greeter', version: '1.0.0', private: true, type: 'module', scripts: { test: 'node --test' } },
      null,
      2,
    ) + '\n',
  'src/greet.js': 'export const greet = (name) => `Hello, ${name}!`\n',
}

export const DEMO_GOAL =
  'Add a farewell function and a name formatter next to greet, test them and document them'

/** The demo project's check command: the test file the `tests` todo writes. */
export const DEMO_CHECK = 'node --test test/greeting.test.js'

const todo = (
  id: string,
  title: string,
  files: string[],
  acceptance: string[],
  dependsOn: string[] = [],
) => ({
  id,
  title,
  description: `${title}. Edit only ${files.join(', ')}.`,
  files,
  dependsOn,
  acceptance,
})

/** The plan the scripted planner proposes for {@link DEMO_GOAL}. */
export const DEMO_PLAN: PlanTodo[] = [
  todo(
    'farewell',
    'Add farewell(name) in src/farewell.js',
    ['src/farewell.js'],
    ['farewell("Ada") returns "Goodbye, Ada!"'],
  ),
  todo(
    'names',
    'Add formatName(name) in src/names.js',
    ['src/names.js'],
    ['trims and capitalises a name', 'an empty name becomes "friend"'],
  ),
  todo(
    'tests',
    'Test greet, farewell and formatName with node:test',
    ['test/greeting.test.js'],
    [`\`${DEMO_CHECK}\` passes`],
    ['farewell', 'names'],
  ),
  todo(
    'docs-api',
    'Document the API in docs/api.md',
    ['docs/api.md'],
    ['lists greet, farewell and formatName'],
  ),
  todo('docs-usage', 'Write a usage guide in docs/usage.md', ['docs/usage.md'], ['shows a runnable example']),
  todo('changelog', 'Start docs/changelog.md', ['docs/changelog.md'], ['has an entry for 1.1.0']),
]

/** What each demo worker writes. */
export const DEMO_WORK: Record<string, Record<string, string>> = {
  farewell: {
    'src/farewell.js':
      '/** Says goodbye to someone by name. */\nexport const farewell = (name) => `Goodbye, ${name}!`\n',
  },
  names: {
    'src/names.js': [
      '/** Trims a name and capitalises it; an empty name becomes "friend". */',
      'export function formatName(name) {',
      "  const trimmed = String(name ?? '').trim()",
      "  if (!trimmed) return 'friend'",
      '  return trimmed[0].toUpperCase() + trimmed.slice(1)',
      '}',
      '',
    ].join('\n'),
  },
  tests: {
    'test/greeting.test.js': [
      "import { test } from 'node:test'",
      "import assert from 'node:assert/strict'",
      "import { greet } from '../src/greet.js'",
      "import { farewell } from '../src/farewell.js'",
      "import { formatName } from '../src/names.js'",
      '',
      "test('greet says hello', () => assert.equal(greet('Ada'), 'Hello, Ada!'))",
      "test('farewell says goodbye', () => assert.equal(farewell('Ada'), 'Goodbye, Ada!'))",
      "test('formatName trims and capitalises', () => assert.equal(formatName('  grace '), 'Grace'))",
      "test('formatName falls back to friend', () => assert.equal(formatName(''), 'friend'))",
      "test('the pieces compose', () => assert.equal(farewell(formatName('alan')), 'Goodbye, Alan!'))",
      '',
    ].join('\n'),
  },
  'docs-api': {
    'docs/api.md': [
      '# API',
      '',
      '- `greet(name)` (`src/greet.js`): returns `Hello, <name>!`.',
      '- `farewell(name)` (`src/farewell.js`): returns `Goodbye, <name>!`.',
      '- `formatName(name)` (`src/names.js`): trims and capitalises a name; an empty name becomes `friend`.',
      '',
    ].join('\n'),
  },
  'docs-usage': {
    'docs/usage.md': [
      '# Usage',
      '',
      '```js',
      "import { greet } from '../src/greet.js'",
      "import { farewell } from '../src/farewell.js'",
      "import { formatName } from '../src/names.js'",
      '',
      "const name = formatName('  ada ')",
      'console.log(greet(name)) // Hello, Ada!',
      'console.log(farewell(name)) // Goodbye, Ada!',
      '```',
      '',
      `Run the tests with \`${DEMO_CHECK}\`.`,
      '',
    ].join('\n'),
  },
  changelog: {
    'docs/changelog.md': [
      '# Changelog',
      '',
      '## 1.1.0',
      '',
      '- Added `farewell(name)` and `formatName(name)`.',
      '- Added tests and API and usage docs.',
      '',
    ].join('\n'),
  },
}

/** Mission-script options for the demo: the plan above, workers writing {@link DEMO_WORK}, reviews pass. */
export const demoMission: MissionScriptOptions = {
  plan: () => DEMO_PLAN,
  title: 'Farewell and name formatter',
  work: (todoId) => {
    const files = DEMO_WORK[todoId] ?? {}
    return { files, summary: `${todoId}: wrote ${Object.keys(files).join(', ') || 'nothing'}.` }
  },
  review: () => ({ verdict: 'pass', findings: [] }),
}

/** A fresh demo model (its own attempt counters and stats). */
export const createDemoScript = (options: MissionScriptOptions = {}): MissionScript =>
  missionScript({ ...demoMission, ...options })

/** Scripted answers for the demo mission: what a model would say, without a model. */
export const demoScript: MissionScript = createDemoScript()
