import type { Action } from 'svelte/action'

// A spinning icon costs every frame of the page while it spins, on screen or not: Chromium gives it a
// composited layer, updates its style and layerizes the page around it at each frame. The plan keeps
// one per running todo and busy agent, most of them above or below the view while the user watches
// the meters and the timeline; out of the view they stop (`data-offscreen`, styles.css) and spin again
// as they come back into it, a frame later (their steps are 50 ms apart: not a visible difference).

let observer: IntersectionObserver | undefined

function offscreen(entries: IntersectionObserverEntry[]): void {
  for (const e of entries) e.target.toggleAttribute('data-offscreen', !e.isIntersecting)
}

/** Watches the icon while `spinning`; without IntersectionObserver (jsdom) it always spins. */
export const spinInView: Action<HTMLElement, boolean> = (node, spinning) => {
  const watch = (on: boolean) => {
    if (typeof IntersectionObserver === 'undefined') return
    if (on) (observer ??= new IntersectionObserver(offscreen)).observe(node)
    else {
      observer?.unobserve(node)
      node.removeAttribute('data-offscreen')
    }
  }
  let current = spinning ?? false
  watch(current)
  return {
    update: (next) => {
      if ((next ?? false) !== current) watch((current = next ?? false))
    },
    destroy: () => observer?.unobserve(node),
  }
}
