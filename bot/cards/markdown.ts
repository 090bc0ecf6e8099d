/** Longest piece of what a user typed that the bot repeats back. */
const MAX_ECHO_LENGTH = 80;

/**
 * Makes user-supplied text inert in a Teams message or Adaptive Card TextBlock/FactSet: control characters and line
 * breaks become spaces, Markdown and HTML punctuation is backslash-escaped (CommonMark: a link needs `[`, emphasis `*`
 * or `_`), and `{{` is broken so the
 * card's date/time functions (`{{DATE(...)}}`) cannot be invoked from it. Pure.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
      .replace(/[\\`*_{}[\]#+\-!|<>~&]/g, (ch) => `\\${ch}`)
      // "1. text" at the start would become a numbered list.
      .replace(/^(\d+)\./, '$1\\.')
  );
}

/** What a user typed, as the bot may quote it: at most {@link MAX_ECHO_LENGTH} characters (… when cut), escaped. Pure. */
export function quoteTyped(text: string, maxLength = MAX_ECHO_LENGTH): string {
  const chars = [...text.trim()];
  const cut = chars.length > maxLength ? `${chars.slice(0, maxLength).join('')}…` : chars.join('');
  return escapeMarkdown(cut);
}
