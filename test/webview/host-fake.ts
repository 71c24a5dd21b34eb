import { PROTOCOL_VERSION, type DashboardSnapshot } from '../../src/shared/protocol'
import { acks, posted } from './setup'

export { acks, posted }

/** Delivers a snapshot the way the host does (a window message event). */
export function sendSnapshot(state: DashboardSnapshot, protocol = PROTOCOL_VERSION): void {
  window.dispatchEvent(new MessageEvent('message', { data: { type: 'snapshot', protocol, state } }))
}
