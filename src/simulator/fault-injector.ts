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
  | { readonly kind: 'expireTokens' };

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

/** Holds pending request and frame faults and hands them out one request or frame at a time. */
export class FaultInjector {
  private readonly httpFaults: PendingHttpFault[] = [];
  private readonly frameFaults: PendingFrameFault[] = [];

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
    const pending = this.httpFaults[index]!;
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
      frames: this.frameFaults.reduce((n, f) => n + f.remaining, 0),
    };
  }
}
