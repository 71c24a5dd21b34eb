import type { Script } from './scripted-provider'

/** The files of the demo's sample project. */
export const DEMO_FILES: Record<string, string> = {
  'README.md': '# greeter\n\nA tiny sample project for the orchestrator demo.\n',
  'package.json': JSON.stringify({ name: 'greeter', version: '1.0.0', private: true }, null, 2) + '\n',
  'src/greet.js': "export const greet = (name) => `Hello, ${name}!`\n",
}

export const DEMO_GOAL = 'Add a farewell function next to greet and document it'

/** Scripted answers for the demo mission: what a model would say, without a model. */
export const demoScript: Script = (req) => {
  const goal = req.lastUserText.trim()
  return {
    text: `Plan for "${goal}":\n1. Add farewell(name) to src/greet.js.\n2. Document it in README.md.\n3. Check it with a quick test.`,
  }
}
