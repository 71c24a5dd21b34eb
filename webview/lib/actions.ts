import {
  PROTOCOL_VERSION,
  type BaselineAnswerKind,
  type ChangesAction,
  type PermissionReply,
} from '../../src/shared/protocol'
import { post } from './host'
import { requestStart } from './start-request'

// User intents → host messages. Components call these, never the host directly. Only ids and
// primitives go out: a proxied $state object would fail the structured clone.
export const ready = () => post({ type: 'ready', protocol: PROTOCOL_VERSION })
/** Resolves with the host's answer: the goal box empties only once the mission is accepted. */
export const startMission = (goal: string) => requestStart(goal)
export const stopMission = () => post({ type: 'mission.stop' })
export const pauseMission = () => post({ type: 'mission.pause' })
export const resumeMission = () => post({ type: 'mission.resume' })
export const keepWaiting = () => post({ type: 'mission.keepWaiting' })
export const answerBaseline = (answer: BaselineAnswerKind, command?: string) =>
  post({ type: 'mission.answerBaseline', answer, ...(command !== undefined && { command }) })
export const openTranscript = (sessionId: string) => post({ type: 'agent.transcript', sessionId })
export const openDiff = (todoId: string, path: string) => post({ type: 'file.diff', todoId, path })
export const replyPermission = (requestId: string, reply: PermissionReply) =>
  post({ type: 'permission.reply', requestId, reply })
export const openWalkthrough = () => post({ type: 'walkthrough.open' })
export const cancelTodo = (todoId: string) => post({ type: 'todo.cancel', todoId })
export const retryTodo = (todoId: string) => post({ type: 'todo.retry', todoId })
export const steerAgent = (sessionId: string, text: string) => post({ type: 'agent.steer', sessionId, text })
export const actOnChanges = (action: ChangesAction) => post({ type: 'changes.act', action })
export const mergeChange = (path: string) => post({ type: 'changes.merge', path })
export const openMission = (id: string) => post({ type: 'mission.open', id })
export const reviewMissionChanges = () => post({ type: 'mission.changes' })
export const openTimeline = () => post({ type: 'timeline.open' })
export const resumeInterrupted = (id: string) => post({ type: 'interrupted.resume', id })
export const discardInterrupted = (id: string) => post({ type: 'interrupted.discard', id })
