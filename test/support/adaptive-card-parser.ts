import type * as AdaptiveCards from 'adaptivecards';

// The official parser (npm `adaptivecards`, microsoft/AdaptiveCards source/nodejs/adaptivecards). Its `main`,
// lib/adaptivecards.js, imports './strings' with no extension, which Node cannot resolve (ERR_MODULE_NOT_FOUND);
// the package's UMD bundle, dist/adaptivecards.js, loads (typed by the package's own declarations).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCards;

/** Parse and validation messages of the official Adaptive Cards parser for `card` (empty = valid, all elements known). */
export function parserProblems(card: object): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i += 1) problems.push(context.getEventAt(i).message);
  for (const event of parsed.validateProperties().validationEvents) problems.push(event.message);
  return problems;
}
