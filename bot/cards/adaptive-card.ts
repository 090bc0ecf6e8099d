/** Adaptive Card JSON as sent to Teams (schema 1.5); SDK-free so the cards survive a move off botbuilder. */
export interface AdaptiveCard {
  readonly type: 'AdaptiveCard';
  readonly $schema: string;
  readonly version: '1.5';
  readonly body: readonly CardElement[];
  readonly actions?: readonly CardElement[];
  readonly msteams?: Readonly<Record<string, unknown>>;
}

/** Any card element or action, kept as plain JSON. */
export type CardElement = Readonly<Record<string, unknown>>;

/** MIME type of an Adaptive Card attachment and of an invoke response that carries a card. */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** The limit we keep cards under (Teams refuses bot messages over ~100 KB with 413; learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages). */
export const MAX_CARD_BYTES = 80 * 1024;

/** Wraps a body and actions into a 1.5 card; Teams is limited to 1.5 (learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/Universal-actions-for-adaptive-cards/Work-with-Universal-Actions-for-Adaptive-Cards). */
export function adaptiveCard(body: readonly CardElement[], actions?: readonly CardElement[]): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(actions && actions.length > 0 ? { actions } : {}),
    msteams: { width: 'Full' },
  };
}

/** A wrapping TextBlock. */
export function text(value: string, options: Readonly<Record<string, unknown>> = {}): CardElement {
  return { type: 'TextBlock', text: value, wrap: true, ...options };
}

/** A FactSet of the pairs whose value is present. */
export function facts(pairs: ReadonlyArray<readonly [string, string | undefined]>): CardElement {
  return {
    type: 'FactSet',
    facts: pairs
      .filter(([, value]) => value !== undefined && value !== '')
      .map(([title, value]) => ({ title, value })),
  };
}

/**
 * An Action.Execute with `verb` and `data`, wrapped in its own ActionSet with an Action.Submit fallback carrying
 * the same data plus the verb, so clients without Universal Actions still reach the bot as a message activity
 * (universal-action-model.md: "set fallback to Action.Submit and wrap every Action.Execute in an ActionSet").
 * The object form of `fallback` is used because the string form is dropped by the official parser.
 */
export function executeAction(
  title: string,
  verb: string,
  data: Readonly<Record<string, unknown>>,
  style?: 'positive' | 'destructive',
): CardElement {
  return {
    type: 'Action.Execute',
    title,
    verb,
    data: { ...data, verb },
    ...(style ? { style } : {}),
    fallback: { type: 'Action.Submit', title, data: { ...data, verb } },
  };
}

/** An ActionSet holding the given actions. */
export function actionSet(actions: readonly CardElement[]): CardElement {
  return { type: 'ActionSet', actions };
}

/**
 * An instant as Adaptive Card date/time functions, so each viewer sees it in their own time zone
 * (TextBlock `{{TIME(...)}}` and `{{DATE(...)}}` formatting, supported by Teams).
 */
export function timeOf(at: number): string {
  return `{{TIME(${new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')})}}`;
}

/** Date and time of an instant in the viewer's time zone. */
export function dateTimeOf(at: number): string {
  return `{{DATE(${new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')}, SHORT)}} ${timeOf(at)}`;
}

/** "1 min", "12 min". */
export function formatMinutes(minutes: number): string {
  return `${minutes} min`;
}
