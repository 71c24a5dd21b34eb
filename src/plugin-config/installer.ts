// Install and uninstall the companion plugin in an OpenCode config file (project or global).
// Used by the extension's commands and by `orchestrator install`.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { addPluginEntry, pluginList, removePluginEntries, type EditOutcome, type OwnsSpecifier } from './edit'
import { backupDirFor, locateConfig, type InstallScope } from './locate'
import {
  isOurSpecifier,
  jsonEqual,
  PACKAGE_NAMES,
  pluginEntry,
  pluginFileUrl,
  specifierOf,
} from './plugin-entry'
import {
  nodeSafeWriteFs,
  safeWrite,
  SafeWriteError,
  type SafeWriteFs,
  type SafeWriteReason,
} from './safe-write'

export type InstallErrorReason =
  'parse-error' | 'invalid-config' | 'read-failed' | 'plugin-missing' | SafeWriteReason

export class InstallError extends Error {
  override readonly name = 'InstallError'
  constructor(
    readonly reason: InstallErrorReason,
    message: string,
    readonly path: string,
    readonly details: { line?: number; column?: number; backup?: string; rolledBack?: boolean } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
  static is(err: unknown, reason?: InstallErrorReason): err is InstallError {
    return err instanceof InstallError && (reason === undefined || err.reason === reason)
  }
}

export type InstallOutcome =
  | {
      ok: true
      /** False when the file already was as requested (nothing written, no backup). */
      changed: boolean
      path: string
      backup?: string
      /** Set when an automatic install was skipped; nothing was read or written. */
      skipped?: 'ci'
    }
  | { ok: false; error: InstallError }

export interface UninstallOptions {
  scope: InstallScope
  /**
   * Absolute path of the shipped dist/plugin.js; its URL always counts as ours. Default: only
   * entries recognised by name (see isOurSpecifier) are removed.
   */
  pluginFile?: string
  /** An install nobody asked for explicitly (e.g. on activation): skipped when `CI` is set. Default: false. */
  automatic?: boolean
  /** Environment for CI detection and the global config folder. Default: process.env. */
  env?: NodeJS.ProcessEnv
  /** File operations. Default: node:fs/promises. */
  fs?: SafeWriteFs
  /** Clock for backup names. Default: () => new Date(). */
  now?: () => Date
}

export interface InstallOptions extends UninstallOptions {
  pluginFile: string
  /** Options passed to the plugin; when set the entry is a `[url, options]` tuple. Default: none. */
  pluginOptions?: Record<string, unknown>
}

/** True when the environment says it is a CI run (`CI` set to anything but empty, 0 or false). */
export const isCi = (env: NodeJS.ProcessEnv): boolean => {
  const v = env.CI?.trim().toLowerCase()
  return v !== undefined && v !== '' && v !== '0' && v !== 'false'
}

/** Ours by name, the URL being installed, or a checkout whose package.json names our package. */
function ownsSpecifier(pluginFile: string | undefined): OwnsSpecifier {
  const current = pluginFile ? pluginFileUrl(pluginFile) : undefined
  return (spec) =>
    isOurSpecifier(spec, (url) => {
      if (url === current) return true
      if (!url.endsWith('/dist/plugin.js')) return false
      try {
        const pkg = JSON.parse(
          readFileSync(join(dirname(dirname(fileURLToPath(url))), 'package.json'), 'utf8'),
        )
        return (PACKAGE_NAMES as readonly unknown[]).includes(pkg?.name)
      } catch {
        return false
      }
    })
}

const fail = (
  reason: InstallErrorReason,
  message: string,
  path: string,
  details = {},
  cause?: unknown,
): InstallOutcome => ({
  ok: false,
  error: new InstallError(reason, message, path, details, cause === undefined ? undefined : { cause }),
})

async function readText(
  fs: SafeWriteFs,
  path: string,
): Promise<{ bytes: Buffer | null; text?: string } | InstallOutcome> {
  let bytes: Buffer
  try {
    bytes = await fs.readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { bytes: null }
    return fail('read-failed', `cannot read ${path}: ${(err as Error).message}`, path, {}, err)
  }
  const text = bytes.toString('utf8')
  if (!Buffer.from(text, 'utf8').equals(bytes))
    return fail('invalid-config', `${path} is not UTF-8 text`, path)
  return { bytes, text }
}

async function apply(
  options: UninstallOptions,
  edit: (text: string | undefined, owns: OwnsSpecifier) => EditOutcome,
  verify: (plugins: unknown[], owns: OwnsSpecifier) => boolean,
): Promise<InstallOutcome> {
  const env = options.env ?? process.env
  const fs = options.fs ?? nodeSafeWriteFs
  const { path } = locateConfig(options.scope, { env })
  if (options.automatic && isCi(env)) return { ok: true, changed: false, path, skipped: 'ci' }
  const owns = ownsSpecifier(options.pluginFile)

  const read = await readText(fs, path)
  if ('ok' in read) return read
  let edited: EditOutcome
  try {
    edited = edit(read.text, owns)
  } catch (err) {
    return fail('invalid-config', `cannot edit ${path}: ${(err as Error).message}`, path, {}, err)
  }
  if (!edited.ok) {
    const e = edited.error
    if (e.reason === 'parse-error')
      return fail('parse-error', `${path}:${e.line}:${e.column}: ${e.message}`, path, {
        line: e.line,
        column: e.column,
      })
    return fail('invalid-config', `${path}: ${e.message}`, path)
  }
  if (!edited.changed) return { ok: true, changed: false, path }

  try {
    const { backup } = await safeWrite(path, edited.text, {
      fs,
      now: options.now,
      expectOriginal: read.bytes,
      backupDir: backupDirFor(options.scope, env),
      verify: (text) => {
        const list = pluginList(text)
        if (!list.ok) return `it no longer parses (${list.error.message})`
        return verify(list.plugins, owns) ? undefined : 'the plugin list is not as intended'
      },
    })
    return { ok: true, changed: true, path, ...(backup && { backup }) }
  } catch (err) {
    if (!SafeWriteError.is(err)) throw err
    const details = { backup: err.backup, rolledBack: err.rolledBack }
    const tail =
      err.reason === 'conflict' || err.rolledBack ? '' : ` The original is in ${err.backup ?? '(no backup)'}.`
    return fail(err.reason, `${err.message}${tail}`, path, details, err)
  }
}

/** Adds (or upgrades) our plugin entry in the scope's config file, creating the file if needed. */
export async function installPlugin(options: InstallOptions): Promise<InstallOutcome> {
  const env = options.env ?? process.env
  const fs = options.fs ?? nodeSafeWriteFs
  if (!(options.automatic && isCi(env))) {
    try {
      await fs.stat(options.pluginFile)
    } catch {
      const { path } = locateConfig(options.scope, { env })
      return fail(
        'plugin-missing',
        `the plugin file ${options.pluginFile} does not exist (build it first)`,
        path,
      )
    }
  }
  const entry = pluginEntry(pluginFileUrl(options.pluginFile), options.pluginOptions)
  return apply(
    options,
    (text, owns) => addPluginEntry(text, entry, owns),
    (plugins, owns) => {
      const ours = plugins.filter((p) => owns(specifierOf(p) ?? ''))
      return ours.length === 1 && jsonEqual(ours[0], entry)
    },
  )
}

/** Removes every entry of ours from the scope's config file; a missing file or entry is no change. */
export async function uninstallPlugin(options: UninstallOptions): Promise<InstallOutcome> {
  return apply(
    options,
    (text, owns) =>
      text === undefined ? { ok: true, text: '', changed: false } : removePluginEntries(text, owns),
    (plugins, owns) => !plugins.some((p) => owns(specifierOf(p) ?? '')),
  )
}
