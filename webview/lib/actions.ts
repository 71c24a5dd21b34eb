import { PROTOCOL_VERSION } from '../../src/shared/protocol'
import { post } from './host'

// User intents → host messages. Components call these, never the host directly.
export const ready = () => post({ type: 'ready', protocol: PROTOCOL_VERSION })
export const startMission = (goal: string) => post({ type: 'mission.start', goal })
export const stopMission = () => post({ type: 'mission.stop' })
