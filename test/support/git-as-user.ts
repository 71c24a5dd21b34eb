import { execFileSync } from 'node:child_process'

/** git in `dir` as a user with an identity of their own (the machine running the tests may have none). */
export const git = (dir: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=dev', '-c', 'user.email=dev@example.com', ...args], {
    cwd: dir,
    encoding: 'utf8',
  })
