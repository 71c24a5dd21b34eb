// What the dashboard and the timeline tab both start with: the store, fed by the host's messages
// from mount on, and wall time for elapsed times and open spans. The clock ticks once a second only
// while some agent is live; an idle view holds no timer at all. Call during a component's setup.

import { onMount } from 'svelte'
import { ackRendered } from './acks'
import { ready } from './actions'
import { DashboardStore } from './dashboard.svelte'
import { onMessage } from './host'

export function connectedStore(): { store: DashboardStore; clock: { readonly now: number } } {
  const store = new DashboardStore(ready, ackRendered)
  onMount(() => {
    const off = onMessage(store.apply)
    ready()
    return off
  })
  let now = $state(Date.now())
  $effect(() => {
    if (!store.live) return
    now = Date.now()
    const timer = setInterval(() => (now = Date.now()), 1000)
    return () => clearInterval(timer)
  })
  return {
    store,
    clock: {
      get now() {
        return now
      },
    },
  }
}
