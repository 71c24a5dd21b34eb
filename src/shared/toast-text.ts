// What a toast may show of text the extension did not write. VS Code turns `[label](target)` in a
// notification's message into a link when the target is a web address, a `file:` or a `command:`
// URI, and a command link runs its command, with the arguments in the URI, when it is clicked. A
// toast often carries what a model, a tool or a file name chose (the command a permission is for, why
// a mission failed, the files Apply left), so that grammar is broken before it is shown.

/** Invisible, and not a space: the text reads and copies as it was written, but is no link. */
const WORD_JOINER = '\u2060'

/** `text` with every `](` split by a word joiner, so no part of it is taken for a link. */
export const plainToastText = (text: string): string => text.replaceAll('](', `]${WORD_JOINER}(`)
