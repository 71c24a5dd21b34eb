import type { Action } from 'svelte/action'

// Escape inside an expanded row's detail (on one of its buttons, say) closes the row, the way it
// closes on the row itself, and puts the focus back on the row: the detail and what held the focus
// are gone, and the keyboard would otherwise start again from the top of the page.

export interface EscapeCollapse {
  /** The row the detail belongs to, which takes the focus back. */
  row: () => HTMLElement | undefined
  collapse: () => void
}

export const escapeCollapses: Action<HTMLElement, EscapeCollapse> = (node, params) => {
  let current = params
  const onkeydown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return
    e.preventDefault()
    current.row()?.focus()
    current.collapse()
  }
  node.addEventListener('keydown', onkeydown)
  return {
    update: (next) => void (current = next),
    destroy: () => node.removeEventListener('keydown', onkeydown),
  }
}
