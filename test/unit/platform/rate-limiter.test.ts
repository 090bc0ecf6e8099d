import assert from 'node:assert/strict';
import {
  GENESYS_TOKEN_WINDOWS,
  RateLimiter,
  TEAMS_CONVERSATION_WINDOWS,
  teamsTenantWindows,
  tryTakeAll,
} from '../../../src/platform/rate-limiter';

function manualClock(start = 1_000_000) {
  const clock = { nowMs: start, now: () => clock.nowMs };
  return clock;
}

/** Takes as fast as allowed until `untilMs` has passed, jumping the clock by each returned wait; returns the take instants. */
function drain(limiter: RateLimiter, clock: { nowMs: number }, untilMs: number, key = 'c'): number[] {
  const takes: number[] = [];
  const end = clock.nowMs + untilMs;
  while (clock.nowMs < end) {
    const wait = limiter.tryTake(key);
    if (wait === 0) takes.push(clock.nowMs);
    else clock.nowMs += wait;
  }
  return takes;
}

function maxInAnyWindow(takes: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0, j = 0; i < takes.length; i++) {
    while (takes[i] - takes[j] >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

describe('RateLimiter', () => {
  it('allows up to the limit and then says how long to wait', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock, windows: [{ limit: 3, windowMs: 1_000 }] });
    assert.deepEqual([limiter.tryTake(), limiter.tryTake(), limiter.tryTake()], [0, 0, 0]);
    clock.nowMs += 400;
    assert.equal(limiter.tryTake(), 600);
    clock.nowMs += 600;
    assert.equal(limiter.tryTake(), 0);
  });

  it('does not spend a slot when it refuses', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock, windows: [{ limit: 1, windowMs: 1_000 }] });
    limiter.tryTake();
    for (let i = 0; i < 10; i++) limiter.tryTake();
    clock.nowMs += 1_000;
    assert.equal(limiter.tryTake(), 0);
  });

  it('keeps every Teams per-conversation window at once', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock, windows: TEAMS_CONVERSATION_WINDOWS });
    const takes = drain(limiter, clock, 2 * 3_600_000);
    assert.equal(maxInAnyWindow(takes, 1_000), 7);
    assert.equal(maxInAnyWindow(takes, 2_000), 8);
    assert.equal(maxInAnyWindow(takes, 30_000), 60);
    assert.equal(maxInAnyWindow(takes, 3_600_000), 1_800);
    assert.equal(takes.length, 3_600);
  });

  it('holds the Teams tenant and Genesys token rates', () => {
    const clock = manualClock();
    const tenant = new RateLimiter({ clock, windows: teamsTenantWindows(50) });
    assert.equal(maxInAnyWindow(drain(tenant, clock, 10_000), 1_000), 50);
    const genesys = new RateLimiter({ clock, windows: GENESYS_TOKEN_WINDOWS });
    const takes = drain(genesys, clock, 180_000);
    assert.equal(maxInAnyWindow(takes, 60_000), 300);
    assert.equal(takes.length, 900);
  });

  it('limits each key on its own', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock, windows: [{ limit: 1, windowMs: 1_000 }] });
    assert.equal(limiter.tryTake('a'), 0);
    assert.equal(limiter.tryTake('b'), 0);
    assert.equal(limiter.tryTake('a'), 1_000);
  });

  it('pauses every key until the given instant and never shortens a pause', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock, windows: [{ limit: 100, windowMs: 1_000 }] });
    limiter.pauseUntil(clock.nowMs + 5_000);
    limiter.pauseUntil(clock.nowMs + 1_000);
    assert.equal(limiter.tryTake('a'), 5_000);
    assert.equal(limiter.tryTake('b'), 5_000);
    assert.equal(limiter.pausedUntil(), clock.nowMs + 5_000);
    clock.nowMs += 5_000;
    assert.equal(limiter.pausedUntil(), undefined);
    assert.equal(limiter.tryTake('a'), 0);
  });

  it('forgets idle keys and limits them afresh', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock, windows: [{ limit: 1, windowMs: 1_000 }] });
    for (let i = 0; i < 100; i++) limiter.tryTake(`k${i}`);
    clock.nowMs += 5_000;
    assert.equal(limiter.tryTake('k1'), 0);
    assert.equal(limiter.tryTake('k1'), 1_000);
  });

  it('refuses a window that is not a positive limit and duration', () => {
    const clock = manualClock();
    assert.throws(() => new RateLimiter({ clock, windows: [] }), RangeError);
    assert.throws(() => new RateLimiter({ clock, windows: [{ limit: 0, windowMs: 1_000 }] }), RangeError);
    assert.throws(() => new RateLimiter({ clock, windows: [{ limit: 1, windowMs: 0 }] }), RangeError);
  });
});

describe('tryTakeAll', () => {
  it('takes from the conversation only when the tenant also allows it', () => {
    const clock = manualClock();
    const tenant = new RateLimiter({ clock, windows: [{ limit: 1, windowMs: 1_000 }] });
    const conversation = new RateLimiter({ clock, windows: [{ limit: 5, windowMs: 1_000 }] });
    assert.equal(
      tryTakeAll([
        [tenant, ''],
        [conversation, 'c1'],
      ]),
      0,
    );
    assert.equal(
      tryTakeAll([
        [tenant, ''],
        [conversation, 'c1'],
      ]),
      1_000,
    );
    // The refused attempt spent nothing from the conversation: four slots remain.
    assert.deepEqual(
      [1, 2, 3, 4, 5].map(() => conversation.tryTake('c1')),
      [0, 0, 0, 0, 1_000],
    );
  });
});
