/** A fault to inject, programmatically or through `POST /_simulator/faults`. */
export type FaultSpec =
  | {
      /** Answer the next `count` API requests (optionally only those whose path matches `pathPattern`, a RegExp source) with `status`. */
      readonly kind: 'httpError';
      readonly status: number;
      readonly count?: number;
      readonly pathPattern?: string;
      /** Sent as `Retry-After` for 429 (and 503 when given). */
      readonly retryAfterInSeconds?: number;
    }
  | { readonly kind: 'dropSockets'; readonly channelId?: string }
  | { readonly kind: 'socketClosing'; readonly channelId?: string; readonly closeAfterMs?: number }
  | { readonly kind: 'expireChannel'; readonly channelId: string }
  | { readonly kind: 'evictChannel'; readonly channelId: string }
  | { readonly kind: 'malformedFrame'; readonly channelId?: string }
  | { readonly kind: 'delayFrames'; readonly count?: number; readonly delayMs?: number }
  | { readonly kind: 'duplicateFrames'; readonly count?: number }
  | { readonly kind: 'reorderFrames'; readonly count?: number }
  | { readonly kind: 'expireTokens' }
  /**
   * The next `count` adherence events carry a wrong `adherenceChangeTime`: `adherenceChangeTime` as given (e.g. a year
   * 2099 instant), or the true one moved by `offsetMs` (negative: in the past).
   */
  | {
      readonly kind: 'misdatedFrames';
      readonly count?: number;
      readonly adherenceChangeTime?: string;
      readonly offsetMs?: number;
    }
  /**
   * Schedule searches answer `Processing` like the real service does when it chooses to: the next `count` searches,
   * or each with `probability` (until another asyncScheduleSearches fault replaces it). `outcome`: `complete`
   * (default; the result follows on the completion topic), `error` (the notification reports a failure) or `never`.
   */
  | {
      readonly kind: 'asyncScheduleSearches';
      readonly count?: number;
      readonly probability?: number;
      readonly outcome?: AsyncSearchOutcome;
    };

/** How an asynchronous schedule search ends. */
export type AsyncSearchOutcome = 'complete' | 'error' | 'never';

/** Kinds of {@link FaultSpec}. */
export const FAULT_KINDS = [
  'httpError',
  'dropSockets',
  'socketClosing',
  'expireChannel',
  'evictChannel',
  'malformedFrame',
  'delayFrames',
  'duplicateFrames',
  'reorderFrames',
  'expireTokens',
  'misdatedFrames',
  'asyncScheduleSearches',
] as const;

/** An HTTP fault due for one request. */
export interface HttpFault {
  readonly status: number;
  readonly retryAfterInSeconds?: number;
}

/** What to do to the next adherence frame. */
export type FrameFault =
  | { readonly kind: 'delay'; readonly delayMs: number }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'reorder' };

interface PendingHttpFault {
  remaining: number;
  readonly status: number;
  readonly pattern?: RegExp;
  readonly retryAfterInSeconds?: number;
}

interface PendingFrameFault {
  remaining: number;
  readonly fault: FrameFault;
}

/** A wrong change time for one adherence event. */
export interface Misdate {
  readonly adherenceChangeTime?: string;
  readonly offsetMs?: number;
}

/** Holds pending request and frame faults and hands them out one request or frame at a time. */
export class FaultInjector {
  private readonly httpFaults: PendingHttpFault[] = [];
  private readonly frameFaults: PendingFrameFault[] = [];
  private readonly misdates: Array<{ remaining: number; readonly misdate: Misdate }> = [];
  private asyncSearches:
    { remaining: number; readonly probability?: number; readonly outcome: AsyncSearchOutcome } | undefined;

  constructor(private readonly random: () => number = Math.random) {}

  /** Queues wrong change times for the next `count` adherence events. */
  addMisdate(misdate: Misdate, count = 1): void {
    if (misdate.adherenceChangeTime === undefined && misdate.offsetMs === undefined)
      throw new RangeError('misdatedFrames needs adherenceChangeTime or offsetMs');
    this.misdates.push({ remaining: Math.max(1, count), misdate });
  }

  /** Takes the wrong change time for the next adherence event, if any. */
  takeMisdate(): Misdate | undefined {
    const pending = this.misdates[0];
    if (!pending) return undefined;
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.misdates.shift();
    return pending.misdate;
  }

  /** Makes schedule searches answer asynchronously: the next `count`, or each with `probability`. */
  setAsyncSearches(spec: Extract<FaultSpec, { kind: 'asyncScheduleSearches' }>): void {
    if (spec.probability !== undefined && !(spec.probability >= 0 && spec.probability <= 1))
      throw new RangeError('asyncScheduleSearches.probability must be in [0, 1]');
    this.asyncSearches = {
      remaining: spec.probability === undefined ? Math.max(1, spec.count ?? 1) : Number.POSITIVE_INFINITY,
      probability: spec.probability,
      outcome: spec.outcome ?? 'complete',
    };
  }

  /** Whether this schedule search is to be answered asynchronously, and how it ends. */
  takeAsyncSearch(): AsyncSearchOutcome | undefined {
    const pending = this.asyncSearches;
    if (!pending) return undefined;
    if (pending.probability !== undefined)
      return this.random() < pending.probability ? pending.outcome : undefined;
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.asyncSearches = undefined;
    return pending.outcome;
  }

  /** Queues an HTTP fault; throws RangeError on a bad status or pattern. */
  addHttpFault(spec: Extract<FaultSpec, { kind: 'httpError' }>): void {
    if (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599)
      throw new RangeError('httpError.status must be 400..599');
    const pattern = spec.pathPattern === undefined ? undefined : new RegExp(spec.pathPattern);
    this.httpFaults.push({
      remaining: Math.max(1, spec.count ?? 1),
      status: spec.status,
      pattern,
      retryAfterInSeconds: spec.retryAfterInSeconds,
    });
  }

  /** Queues a frame fault for the next `count` adherence frames. */
  addFrameFault(fault: FrameFault, count = 1): void {
    this.frameFaults.push({ remaining: Math.max(1, count), fault });
  }

  /** Takes the HTTP fault due for a request to `pathname`, if any. */
  takeHttpFault(pathname: string): HttpFault | undefined {
    const index = this.httpFaults.findIndex((f) => !f.pattern || f.pattern.test(pathname));
    if (index < 0) return undefined;
    const pending = this.httpFaults[index];
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.httpFaults.splice(index, 1);
    return { status: pending.status, retryAfterInSeconds: pending.retryAfterInSeconds };
  }

  /** Takes the fault for the next adherence frame, if any. */
  takeFrameFault(): FrameFault | undefined {
    const pending = this.frameFaults[0];
    if (!pending) return undefined;
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.frameFaults.shift();
    return pending.fault;
  }

  /** Number of faults still queued. */
  pendingCount(): { http: number; frames: number } {
    return {
      http: this.httpFaults.reduce((n, f) => n + f.remaining, 0),
      frames:
        this.frameFaults.reduce((n, f) => n + f.remaining, 0) +
        this.misdates.reduce((n, f) => n + f.remaining, 0),
    };
  }
}
