// Minimal text edits on JSONC, computed from jsonc-parser's syntax tree and applied with its
// applyEdits. jsonc-parser's own `modify` re-formats the whole array it inserts into (a one-line
// tuple becomes eight lines) and, when removing an element, deletes a comment that sits between
// the previous element and the removed one; a user's config must keep every byte we do not own.
// So the edits here touch only the item being added or removed, its separator and line, and copy
// the file's end-of-line, indentation and trailing-comma style. Removal is the exact inverse of
// insertion, so install followed by uninstall gives back the original bytes.
// The ESM build on purpose: the package's `main` is a UMD build whose internal requires esbuild
// cannot follow, so a bundle importing plain 'jsonc-parser' fails at runtime with
// "Cannot find module './impl/format'".
import {
  applyEdits,
  createScanner,
  getNodeValue,
  parseTree,
  printParseErrorCode,
  type Edit,
  type Node,
} from 'jsonc-parser/lib/esm/main.js'

// jsonc-parser's SyntaxKind is an ambient const enum, which verbatimModuleSyntax cannot read.
const Kind = { Comma: 5, LineComment: 12, BlockComment: 13, LineBreak: 14, Trivia: 15, EOF: 17 } as const

export interface TextStyle {
  eol: string
  /** One level of indentation: a tab or some spaces. */
  unit: string
}

export interface ParseFailure {
  message: string
  offset: number
  /** 1-based. */
  line: number
  /** 1-based. */
  column: number
}

const BOM = '\uFEFF'
export const splitBom = (text: string): { bom: string; body: string } =>
  text.startsWith(BOM) ? { bom: BOM, body: text.slice(1) } : { bom: '', body: text }

export const detectEol = (body: string): string => (body.includes('\r\n') ? '\r\n' : '\n')

export function locate(body: string, offset: number): { line: number; column: number } {
  const before = body.slice(0, offset)
  const line = before.split('\n').length
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 }
}

const words = (code: string) => code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()

/** Parses JSONC as OpenCode does (comments and trailing commas allowed); any error is a failure. */
export function parseJsonc(
  body: string,
): { ok: true; root: Node | undefined } | { ok: false; error: ParseFailure } {
  const errors: { error: number; offset: number; length: number }[] = []
  const root = parseTree(body, errors, { allowTrailingComma: true, disallowComments: false })
  const first = errors[0]
  if (!first) return { ok: true, root }
  return {
    ok: false,
    error: {
      message: words(printParseErrorCode(first.error)),
      offset: first.offset,
      ...locate(body, first.offset),
    },
  }
}

export function detectStyle(body: string, root: Node): TextStyle {
  const eol = detectEol(body)
  const first = root.children?.[0]
  let unit = '  '
  if (first) {
    const indent = lineIndent(body, first.offset)
    if (indent.startsWith('\t')) unit = '\t'
    else if (indent.length > 0 && startsLine(body, first.offset)) unit = indent
  }
  return { eol, unit }
}

const lineStart = (body: string, offset: number) => body.lastIndexOf('\n', offset - 1) + 1
const lineIndent = (body: string, offset: number) =>
  /^[ \t]*/.exec(body.slice(lineStart(body, offset), offset))?.[0] ?? ''
const startsLine = (body: string, offset: number) =>
  /^[ \t]*$/.test(body.slice(lineStart(body, offset), offset))
/** Offset of the line break that ends the line before the one holding `offset`. */
const prevLineBreak = (body: string, offset: number) => {
  const start = lineStart(body, offset)
  return body[start - 2] === '\r' ? start - 2 : start - 1
}

/** The first token at or after `offset`, skipping whitespace, line breaks and comments. */
function nextToken(body: string, offset: number): { kind: number; offset: number } {
  const scanner = createScanner(body, true)
  scanner.setPosition(offset)
  const kind = scanner.scan()
  return { kind, offset: scanner.getTokenOffset() }
}

/**
 * When only whitespace and one-line comments follow `offset` up to the end of its line, returns
 * where that line ends (before the line break); otherwise undefined (more tokens on the line).
 */
function endOfTriviaLine(body: string, offset: number): number | undefined {
  const scanner = createScanner(body, false)
  scanner.setPosition(offset)
  for (;;) {
    const kind = scanner.scan()
    if (kind === Kind.Trivia || kind === Kind.LineComment) continue
    if (kind === Kind.BlockComment && !/[\r\n]/.test(scanner.getTokenValue())) continue
    if (kind === Kind.LineBreak) return scanner.getTokenOffset()
    if (kind === Kind.EOF) return body.length
    return undefined
  }
}

const end = (n: Node) => n.offset + n.length

/**
 * Renders an item: given the indentation of its own line it may span lines; given undefined it
 * must fit on one line (it goes between other items of a one-line container).
 */
export type ItemText = (indent: string | undefined) => string

/** Edits that add an item after the last child of an array or object node. */
export function appendChild(body: string, container: Node, item: ItemText, style: TextStyle): Edit[] {
  const children = container.children ?? []
  const last = children[children.length - 1]
  if (!last) return fillEmpty(body, container, item, style)
  const lastEnd = end(last)
  const after = nextToken(body, lastEnd)
  const trailingComma = after.kind === Kind.Comma
  const anchor = trailingComma ? after.offset + 1 : lastEnd
  const lineEnd = endOfTriviaLine(body, anchor)
  if (lineEnd !== undefined && startsLine(body, last.offset)) {
    const indent = lineIndent(body, last.offset)
    const text = `${style.eol}${indent}${item(indent)}`
    if (trailingComma) return [{ offset: lineEnd, length: 0, content: `${text},` }]
    return [
      { offset: lastEnd, length: 0, content: ',' },
      { offset: lineEnd, length: 0, content: text },
    ]
  }
  if (trailingComma) return [{ offset: anchor, length: 0, content: ` ${item(undefined)},` }]
  return [{ offset: lastEnd, length: 0, content: `, ${item(undefined)}` }]
}

function fillEmpty(body: string, container: Node, item: ItemText, style: TextStyle): Edit[] {
  const open = container.offset
  const close = end(container) - 1
  const inner = body.slice(open + 1, close)
  const outer = lineIndent(body, open)
  const indent = outer + style.unit
  if (/^\s*$/.test(inner))
    return [
      {
        offset: open + 1,
        length: inner.length,
        content: `${style.eol}${indent}${item(indent)}${style.eol}${outer}`,
      },
    ]
  // Only comments inside: keep them, and put the item on its own line before the closing bracket.
  if (startsLine(body, close))
    return [{ offset: lineStart(body, close), length: 0, content: `${indent}${item(indent)}${style.eol}` }]
  return [{ offset: close, length: 0, content: ` ${item(undefined)}` }]
}

/** Edits that remove child `index` of an array or object node (there must be at least two). */
export function removeChild(body: string, container: Node, index: number): Edit[] {
  const children = container.children ?? []
  const node = children[index]
  if (!node || children.length < 2) throw new RangeError(`cannot remove child ${index} of ${children.length}`)
  const isLast = index === children.length - 1
  const after = nextToken(body, end(node))
  const comma = after.kind === Kind.Comma ? after.offset : undefined
  const lineEnd = endOfTriviaLine(body, comma === undefined ? end(node) : comma + 1)
  const prev = children[index - 1]
  if (lineEnd !== undefined && startsLine(body, node.offset) && lineStart(body, node.offset) > 0) {
    // The item has its own line(s): remove them with the line break before them.
    const from = prevLineBreak(body, node.offset)
    const edits: Edit[] = [{ offset: from, length: lineEnd - from, content: '' }]
    if (isLast && comma === undefined && prev) {
      const prevComma = nextToken(body, end(prev))
      edits.push({ offset: prevComma.offset, length: 1, content: '' })
    }
    return edits
  }
  if (!isLast) {
    const next = children[index + 1] as Node
    return [{ offset: node.offset, length: next.offset - node.offset, content: '' }]
  }
  const p = prev as Node
  if (comma !== undefined) {
    const prevComma = nextToken(body, end(p)).offset
    return [{ offset: prevComma + 1, length: comma + 1 - (prevComma + 1), content: '' }]
  }
  return [{ offset: end(p), length: end(node) - end(p), content: '' }]
}

/** Edits that replace a node's text. */
export const replaceNode = (node: Node, content: string): Edit[] => [
  { offset: node.offset, length: node.length, content },
]

export { applyEdits, getNodeValue, type Edit, type Node }

/** JSON on one line with a space after commas and colons: `["file:///…", {"models": {}}]`. */
export function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`
  if (typeof value === 'object' && value !== null)
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v)}`)
      .join(', ')}}`
  return JSON.stringify(value)
}
