// ESLint rule: no import circles among the project's own modules, type-only imports included (a
// circle of types still ties the modules' meanings together, and the rooms must stay layered).
// eslint-plugin-import's and import-x's no-cycle skip `import type`, and this project writes every
// type import that way, so they would miss most circles. Each relative import of the linted file is
// followed through the other files' relative imports (read with TypeScript's import scanner, cached
// by modification time); an import from which the linted file is reachable again is reported with
// the way back.

import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

/** How an extensionless specifier is completed, in the bundler's order. */
const SUFFIXES = ['', '.ts', '.svelte.ts', '.js', '.mjs', '.svelte', '/index.ts', '/index.js']
const SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script>/g

/** @type {Map<string, { mtimeMs: number; imports: string[] }>} */
const graph = new Map()

function isFile(file) {
  try {
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/** The file a relative specifier names, or undefined (packages and unresolved paths). */
function resolve(from, specifier) {
  if (!specifier.startsWith('.')) return undefined
  const base = path.resolve(path.dirname(from), specifier)
  for (const suffix of SUFFIXES) if (isFile(base + suffix)) return base + suffix
  return undefined
}

/** The files a file imports (statically, dynamically or for types only), relative ones only. */
function importsOf(file) {
  let mtimeMs
  try {
    mtimeMs = fs.statSync(file).mtimeMs
  } catch {
    return []
  }
  const known = graph.get(file)
  if (known?.mtimeMs === mtimeMs) return known.imports
  const text = fs.readFileSync(file, 'utf8')
  const code = file.endsWith('.svelte') ? [...text.matchAll(SCRIPT)].map((m) => m[1]).join('\n') : text
  const imports = ts
    .preProcessFile(code, true, true)
    .importedFiles.map((f) => resolve(file, f.fileName))
    .filter((f) => f !== undefined)
  graph.set(file, { mtimeMs, imports })
  return imports
}

/** The shortest way from `start` back to `target` (the files after start), or undefined. */
function wayBack(start, target) {
  /** @type {Map<string, string | null>} */
  const cameFrom = new Map([[start, null]])
  const queue = [start]
  while (queue.length > 0) {
    const file = queue.shift()
    for (const next of importsOf(file)) {
      if (next === target) {
        const way = []
        for (let f = file; f !== null && f !== start; f = cameFrom.get(f) ?? null) way.unshift(f)
        return way
      }
      if (cameFrom.has(next)) continue
      cameFrom.set(next, file)
      queue.push(next)
    }
  }
  return undefined
}

/** @type {import('eslint').Rule.RuleModule} */
const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid imports (type-only ones included) that lead back to the importing file.' },
    schema: [],
    messages: { cycle: 'Import circle: {{way}}.' },
  },
  create(context) {
    const file = context.physicalFilename
    const root = context.cwd
    const check = (node) => {
      const source = node.source
      if (!source || typeof source.value !== 'string') return
      const target = resolve(file, source.value)
      if (target === undefined || target === file) return
      const way = wayBack(target, file)
      if (way === undefined) return
      const names = [file, target, ...way, file].map((f) => path.relative(root, f))
      context.report({ node: source, messageId: 'cycle', data: { way: names.join(' → ') } })
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    }
  },
}

export default { rules: { 'no-import-cycle': noImportCycle } }
