import { SystemClock } from '../platform/system-clock';
import { startTimer, type CancelTimer } from '../platform/timers';

/** Reads the wall clock (epoch ms); the system clock unless a test passes its own. */
export interface WallClock {
  now(): number;
}

/** How the simulator clock runs: from `startAt`, `timeScale` times faster than real time, or only when advanced. */
export interface SimulatorClockOptions {
  readonly startAt: number;
  readonly timeScale: number;
  readonly manual: boolean;
  readonly wallClock?: WallClock;
}

interface PendingTask {
  readonly dueAt: number;
  readonly seq: number;
  readonly task: () => void;
  cancelled: boolean;
}

/**
 * The simulator's own time (epoch ms): scaled real time, or manual time that moves only through `advance`.
 * Tasks scheduled at simulator instants fire in due order, also while `advance` jumps over them.
 */
export class SimulatorClock {
  readonly isManual: boolean;
  readonly timeScale: number;
  private readonly wall: WallClock;
  private anchorSimAt: number;
  private anchorWallAt: number;
  private firingAt: number | undefined;
  private readonly pending: PendingTask[] = [];
  private seq = 0;
  private cancelRealTimer: CancelTimer | undefined;
  private disposed = false;

  constructor(options: SimulatorClockOptions) {
    this.isManual = options.manual;
    this.timeScale = options.timeScale > 0 ? options.timeScale : 1;
    this.wall = options.wallClock ?? new SystemClock();
    this.anchorSimAt = options.startAt;
    this.anchorWallAt = this.wall.now();
  }

  /** Current simulator instant (epoch ms, integer). */
  now(): number {
    if (this.firingAt !== undefined) return this.firingAt;
    if (this.isManual) return this.anchorSimAt;
    return Math.floor(this.anchorSimAt + (this.wall.now() - this.anchorWallAt) * this.timeScale);
  }

  /** Moves simulator time forward by `ms`, firing every task that falls due on the way (works in both modes). */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError('advance(ms) needs a non-negative number of milliseconds');
    const target = this.now() + ms;
    this.runDue(target);
    this.anchorSimAt = target;
    this.anchorWallAt = this.wall.now();
    this.rearm();
    return target;
  }

  /** Runs `task` when simulator time reaches `dueAt` (epoch ms); returns a cancel function. */
  schedule(dueAt: number, task: () => void): CancelTimer {
    const entry: PendingTask = { dueAt, seq: this.seq++, task, cancelled: false };
    let lo = 0;
    let hi = this.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.pending[mid];
      if (other.dueAt < dueAt || (other.dueAt === dueAt && other.seq < entry.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.pending.splice(lo, 0, entry);
    if (lo === 0) this.rearm();
    return () => {
      entry.cancelled = true;
    };
  }

  /** Number of tasks still waiting. */
  pendingCount(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }

  /** Stops the real timer; pending tasks never fire. */
  dispose(): void {
    this.disposed = true;
    this.cancelRealTimer?.();
    this.pending.length = 0;
  }

  private runDue(until: number): void {
    const base = this.now();
    try {
      while (this.pending.length > 0 && this.pending[0].dueAt <= until) {
        const next = this.pending.shift()!;
        if (next.cancelled) continue;
        this.firingAt = Math.max(base, next.dueAt);
        next.task();
      }
    } finally {
      this.firingAt = undefined;
    }
  }

  private rearm(): void {
    this.cancelRealTimer?.();
    this.cancelRealTimer = undefined;
    if (this.isManual || this.disposed) return;
    while (this.pending.length > 0 && this.pending[0].cancelled) this.pending.shift();
    const first = this.pending[0];
    if (!first) return;
    const delayInMs = Math.max(0, (first.dueAt - this.now()) / this.timeScale);
    // Long waits are re-armed in slices so a changed anchor (advance) never leaves a stale timer behind.
    this.cancelRealTimer = startTimer(() => this.onRealTimer(), Math.min(delayInMs, 60_000), true);
  }

  private onRealTimer(): void {
    this.cancelRealTimer = undefined;
    this.runDue(this.now());
    this.rearm();
  }
}
