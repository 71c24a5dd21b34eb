// Moving the keyboard focus in the timeline: one Tab stop, arrow keys inside. Up and down (Home, End)
// go from lane to lane, right and left along a lane's spans; left from the first span, or Escape, goes
// back to the lane.

/** A lane by its index, and one of its spans (-1: the lane itself). */
export interface TimelineFocus {
  row: number
  span: number
}

/** Where `key` moves the focus from `at`, or undefined when it does not move it. */
export function moveFocus(
  at: TimelineFocus,
  key: string,
  rows: number,
  spansIn: (row: number) => number,
): TimelineFocus | undefined {
  switch (key) {
    case 'ArrowDown':
      return at.row + 1 < rows ? { row: at.row + 1, span: -1 } : undefined
    case 'ArrowUp':
      return at.row > 0 ? { row: at.row - 1, span: -1 } : undefined
    case 'Home':
      return rows > 0 ? { row: 0, span: -1 } : undefined
    case 'End':
      return rows > 0 ? { row: rows - 1, span: -1 } : undefined
    case 'ArrowRight':
      return at.span + 1 < spansIn(at.row) ? { row: at.row, span: at.span + 1 } : undefined
    case 'ArrowLeft':
      return at.span >= 0 ? { row: at.row, span: at.span - 1 } : undefined
    case 'Escape':
      return at.span >= 0 ? { row: at.row, span: -1 } : undefined
    default:
      return undefined
  }
}
