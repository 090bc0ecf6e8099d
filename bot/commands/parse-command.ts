/** A command typed to the bot, after mentions are stripped. */
export type BotCommand =
  | { readonly type: 'watch'; readonly target: string }
  | { readonly type: 'unwatch'; readonly target: string }
  | { readonly type: 'move'; readonly target: string }
  | { readonly type: 'status' }
  | { readonly type: 'report' }
  /** The report with its per-agent figures (only on request). */
  | { readonly type: 'reportAgents' }
  /** The weekly digest as it stands now. */
  | { readonly type: 'digest' }
  | { readonly type: 'myAdherence' }
  | { readonly type: 'help' }
  | { readonly type: 'unknown'; readonly text: string };

/**
 * Removes `<at>…</at>` mentions, other markup and non-breaking spaces from a Teams message text and collapses
 * whitespace (Teams puts the bot's mention in the text of channel messages: get-teams-context.md).
 */
export function stripMentions(text: string): string {
  return text
    .replace(/<at[^>]*>[\s\S]*?<\/at>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|\u00a0/gi, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Parses a message text into a command (case-insensitive verbs, the target kept as typed); pure. */
export function parseCommand(text: string): BotCommand {
  const clean = stripMentions(text);
  const lower = clean.toLowerCase();
  const watch = /^(un)?watch(?:\s+(.+))?$/i.exec(clean);
  if (watch) {
    const target = (watch[2] ?? '').trim();
    if (target === '') return { type: 'help' };
    return watch[1] ? { type: 'unwatch', target } : { type: 'watch', target };
  }
  const move = /^move\s+(.+?)(?:\s+here)?$/i.exec(clean);
  if (move) return { type: 'move', target: move[1].trim() };
  if (lower === 'status') return { type: 'status' };
  if (lower === 'report') return { type: 'report' };
  if (lower === 'report agents') return { type: 'reportAgents' };
  if (lower === 'digest') return { type: 'digest' };
  if (lower === 'my adherence' || lower === 'my drift' || lower === 'me') return { type: 'myAdherence' };
  if (lower === 'help' || lower === '?' || lower === '') return { type: 'help' };
  return { type: 'unknown', text: clean };
}
