import { mount } from 'svelte'
import App from './App.svelte'
import './styles.css'

const target = document.getElementById('app') as HTMLElement
// The document's "Loading the dashboard…" goes as the app takes its place.
target.replaceChildren()
mount(App, { target })
