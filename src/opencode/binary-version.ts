// The version of an `opencode` binary, checked before it is started: OpenCode 2 replaces the 1.x
// binary under the same name, and a server of it would fail late and obscurely (no plugin, no API).
import { spawn } from 'node:child_process'
import { signalTree } from '../node/process-tree'
import { readFileSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import {
  isTestedVersion,
  testedRangeText,
  untestedOpencodeMessage,
  versionInOutput,
} from '../engine/preflight/opencode-version'

/** How long `opencode --version` may take (a cold start of the binary takes ~3 s on a busy machine). */
export const VERSION_TIMEOUT_MS = 15_000

/** The binary is not an OpenCode this build can drive, or did not tell its version. */
export class OpencodeVersionError extends Error {
  readonly reason = 'opencode-version'
  constructor(
    message: string,
    readonly binary: string,
    /** The version found; undefined when the binary did not tell it. */
    readonly version?: string,
  ) {
    super(message)
    this.name = 'OpencodeVersionError'
  }
  static is(err: unknown): err is OpencodeVersionError {
    return err instanceof OpencodeVersionError
  }
}

export type VersionOutput =
  { ok: true; output: string } | { ok: false; why: 'timeout' | 'failed'; detail: string }

/**
 * Runs `<binary> --version` in its own process group; on timeout the group is killed and the answer
 * does not wait for it (a child holding the pipe open cannot make this hang).
 */
export function runVersion(
  binary: string,
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<VersionOutput> {
  const timeoutMs = options.timeoutMs ?? VERSION_TIMEOUT_MS
  return new Promise((resolve) => {
    let out = ''
    let settled = false
    const done = (answer: VersionOutput) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(answer)
    }
    const child = spawn(binary, ['--version'], {
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      windowsHide: true,
    })
    // The whole tree (a process group; on Windows, taskkill /T), never throwing for one already gone.
    const kill = () => (child.pid === undefined ? child.kill('SIGKILL') : signalTree(child.pid, 'SIGKILL'))
    const timer = setTimeout(() => {
      kill()
      done({ ok: false, why: 'timeout', detail: `no answer within ${Math.round(timeoutMs / 1000)} s` })
    }, timeoutMs)
    const keep = (chunk: Buffer) => void (out = (out + chunk.toString()).slice(-4_000))
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.once('error', (err) => done({ ok: false, why: 'failed', detail: err.message }))
    // Once the binary has exited, what is left in its group (a child holding the pipe) is ended, so
    // the pipes close and everything the binary printed is read.
    child.once('exit', kill)
    child.once('close', (code, signal) => {
      if (code === 0) done({ ok: true, output: out })
      else
        done({
          ok: false,
          why: 'failed',
          detail: `exit ${code ?? signal}${out.trim() ? `: ${out.trim().slice(0, 300)}` : ''}`,
        })
    })
  })
}

/**
 * The version of a binary installed from npm, read from its platform package's package.json
 * (`<package>/bin/opencode`): instant, where `--version` starts the whole binary.
 */
function packagedVersion(binary: string): string | undefined {
  if (basename(dirname(binary)) !== 'bin') return undefined
  try {
    const pkg = JSON.parse(readFileSync(join(dirname(dirname(binary)), 'package.json'), 'utf8')) as {
      name?: unknown
      version?: unknown
    }
    return typeof pkg.name === 'string' && /^opencode-(linux|darwin|windows)-/.test(pkg.name)
      ? (pkg.version as string)
      : undefined
  } catch {
    return undefined
  }
}

export interface CheckBinaryOptions {
  /** How the user fixes a wrong binary, in the host's words (one per way). */
  fixes: string[]
  timeoutMs?: number
  env?: NodeJS.ProcessEnv
}

// A binary already found good is not asked again while it is the same file.
const checked = new Map<string, string>()

/**
 * Resolves with the binary's version when it is one this build drives, or with a warning when the
 * binary names no version (a build from source says `local`). Rejects with an OpencodeVersionError
 * whose message names the version, the path and the fixes, when it is another version or does not
 * answer `--version` in time.
 */
export async function checkOpencodeBinary(
  binary: string,
  options: CheckBinaryOptions,
): Promise<{ version?: string; warning?: string }> {
  const key = fileKey(binary)
  const known = key && checked.get(key)
  if (known) return { version: known }
  let version = packagedVersion(binary)
  if (version === undefined) {
    const answer = await runVersion(binary, options)
    if (!answer.ok)
      throw new OpencodeVersionError(
        `\`${binary} --version\` ${answer.why === 'timeout' ? 'did not answer' : 'failed'} (${answer.detail}), so it was not started: ` +
          `the orchestrator needs OpenCode ${testedRangeText}. Fix one: ${options.fixes.join('; or ')}.`,
        binary,
      )
    version = versionInOutput(answer.output)
    if (version === undefined)
      return {
        warning: `${binary} gives "${answer.output.trim().slice(0, 80)}" as its version: missions may misbehave unless it is OpenCode ${testedRangeText}.`,
      }
  }
  if (!isTestedVersion(version))
    throw new OpencodeVersionError(
      untestedOpencodeMessage({ version, where: `found at ${binary}`, fixes: options.fixes }),
      binary,
      version,
    )
  if (key) checked.set(key, version)
  return { version }
}

function fileKey(path: string): string | undefined {
  try {
    const s = statSync(path)
    return `${path}\0${s.size}\0${s.mtimeMs}\0${s.ino}`
  } catch {
    return undefined
  }
}
