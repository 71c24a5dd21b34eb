import type {
  AgentView,
  CheckRunView,
  DashboardSnapshot,
  MissionView,
  PermissionView,
  TodoView,
} from '../../src/shared/protocol'

// Builders of protocol values for the webview tests: complete by default, patched per test.

export const agent = (patch: Partial<AgentView> = {}): AgentView => ({
  sessionId: 's1',
  role: 'planner',
  title: 'Planner: Add a farewell function',
  status: 'done',
  tokens: 1234,
  cost: 0,
  startedAt: 1_000,
  lastActivityAt: 3_000,
  busyMs: 2_000,
  ...patch,
})

export const todo = (patch: Partial<TodoView> = {}): TodoView => ({
  id: 'farewell',
  title: 'Add farewell()',
  status: 'pending',
  attempts: 0,
  files: ['src/greet.ts'],
  dependsOn: [],
  findings: [],
  reviews: [],
  folded: [],
  ...patch,
})

export const ask = (patch: Partial<PermissionView> = {}): PermissionView => ({
  requestId: 'per_1',
  role: 'worker',
  todoId: 'farewell',
  permission: 'bash',
  patterns: ['rm -rf build'],
  ...patch,
})

export const mission = (patch: Partial<MissionView> = {}): MissionView => ({
  id: 'm1',
  goal: 'Add a farewell function',
  phase: 'completed',
  iteration: 1,
  paused: false,
  startedAt: 1_000,
  endedAt: 3_500,
  result: 'Done: farewell() added.',
  tokens: 1234,
  cost: 0,
  agents: [agent()],
  todos: [],
  inbox: [],
  ...patch,
})

/** A run of the check: a round's failure unchanged from the baseline unless patched. */
export const checkRun = (patch: Partial<CheckRunView> = {}): CheckRunView => ({
  kind: 'round',
  iteration: 1,
  command: 'npm test',
  source: 'package.json scripts.test',
  cwd: '.',
  exitCode: 1,
  durationMs: 2_300,
  passed: false,
  tail: '1 failing',
  vsBaseline: 'unchanged',
  ...patch,
})

/** The baseline of the check, `fails` unless patched. */
export const baselineCheck = (patch: Partial<CheckRunView> = {}): CheckRunView =>
  checkRun({
    kind: 'baseline',
    iteration: 0,
    durationMs: 1_200,
    vsBaseline: undefined,
    classification: 'fails',
    ...patch,
  })

/** A mission still under way (no end, no result). */
export const running = (patch: Partial<MissionView> = {}): MissionView =>
  mission({ phase: 'working', endedAt: undefined, result: undefined, ...patch })

export const snapshot = (m?: MissionView, extra: Partial<DashboardSnapshot> = {}): DashboardSnapshot => ({
  server: { status: 'ready', url: 'http://127.0.0.1:4000' },
  ...(m && { mission: m }),
  ...extra,
})
