/** A button a Teams client would show: the verb and data an Action.Execute click sends. */
export interface CardButton {
  readonly verb: string;
  readonly data: unknown;
}

/** The Action.Execute button with this title anywhere in an Adaptive Card (action sets, show-cards), as a client finds it. */
export function findAction(card: unknown, title: string): CardButton | undefined {
  return findIn(card, (element) =>
    element.type === 'Action.Execute' && element.title === title && typeof element.verb === 'string'
      ? { verb: element.verb, data: element.data }
      : undefined,
  );
}

/**
 * The Action.Execute button titled `title` in the first Container whose first item's text starts with `heading` (a row
 * of a live drift board names its agent first).
 */
export function findActionUnder(card: unknown, heading: string, title: string): CardButton | undefined {
  return findIn(card, (element) => {
    if (element.type !== 'Container' || !Array.isArray(element.items)) return undefined;
    const [first] = element.items as Array<{ text?: unknown }>;
    return typeof first?.text === 'string' && first.text.startsWith(heading)
      ? findAction(element.items, title)
      : undefined;
  });
}

/** The first value `match` gives for an element of the card, depth first. */
function findIn<T>(card: unknown, match: (element: Record<string, unknown>) => T | undefined): T | undefined {
  if (Array.isArray(card)) {
    for (const item of card) {
      const found = findIn(item, match);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (card === null || typeof card !== 'object') return undefined;
  const element = card as Record<string, unknown>;
  const found = match(element);
  if (found !== undefined) return found;
  for (const value of Object.values(element)) {
    const inner = findIn(value, match);
    if (inner !== undefined) return inner;
  }
  return undefined;
}
