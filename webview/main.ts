import { mount } from 'svelte'
import { webviewMode } from '../src/shared/protocol'
import App from './App.svelte'
import TimelineApp from './TimelineApp.svelte'
import './styles.css'

const target = document.getElementById('app') as HTMLElement
// One bundle for both webviews: the timeline's editor tab marks its #app (see dashboard-html.ts).
const mode = webviewMode(target.dataset.mode)
// The document's "Loading …" goes as the app takes its place.
target.replaceChildren()
mount(mode === 'timeline' ? TimelineApp : App, { target })
