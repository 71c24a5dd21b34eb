import { render } from '@testing-library/svelte'
import { tick } from 'svelte'
import App from '../../webview/App.svelte'
import { snapshot } from './fixtures'
import { posted, sendSnapshot } from './host-fake'

/** Renders the app, delivers one snapshot and forgets the `ready` post. */
export async function show(...args: Parameters<typeof snapshot>): Promise<void> {
  render(App)
  sendSnapshot(snapshot(...args))
  await tick()
  posted.length = 0
}
