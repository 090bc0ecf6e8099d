import assert from 'node:assert/strict';
import { DriftMonitor, type DriftMonitorOptions } from '../../../src/app/drift-monitor';
import type { AgentDirectory, AgentProfile } from '../../../src/app/ports/agent-directory';
import { InMemoryDriftHistoryStore } from '../../../src/storage/history/in-memory-drift-history-store';
import { InMemoryAlertOutbox } from '../../../src/storage/outbox/in-memory-alert-outbox';
import { InMemoryDriftStateStore } from '../../../src/storage/drift-state/in-memory-drift-state-store';
import { MINUTE, T0, makePolicy, observation } from '../../support/drift-fixtures';
import { ManualClock } from '../../support/manual-clock';
import { ManualScheduler } from '../../support/manual-scheduler';
import { RecordingLogger } from '../../support/recording-logger';
import { RecordingNotifier } from '../../support/recording-notifier';

const HOUR = 60 * MINUTE;

function harness(extra: Partial<DriftMonitorOptions> = {}) {
  const clock = new ManualClock(T0 - MINUTE);
  const scheduler = new ManualScheduler(clock);
  const notifier = new RecordingNotifier(() => clock.now());
  const stateStore = new InMemoryDriftStateStore();
  const history = new InMemoryDriftHistoryStore();
  const counters = { eventsIgnoredTotal: {}, eventsClampedTotal: {} };
  const monitor = new DriftMonitor({
    clock,
    scheduler,
    stateStore,
    outbox: new InMemoryAlertOutbox(),
    notifier,
    history,
    logger: new RecordingLogger(),
    policy: makePolicy(),
    delivery: { random: () => 0.5 },
    observationCounters: counters,
    ...extra,
  });
  const advanceTo = (at: number) => scheduler.advanceToAsync(at, () => monitor.idle());
  const ingestAt = async (at: number, overrides: Parameters<typeof observation>[0]) => {
    clock.set(at);
    await monitor.ingest(observation({ observedAt: at, ...overrides }));
  };
  return { clock, scheduler, notifier, stateStore, history, counters, monitor, advanceTo, ingestAt };
}

describe('DriftMonitor with field data', () => {
  it('counts a clamped change time and a refused ancient one by reason, and keeps tracking the agent', async () => {
    const h = harness();
    await h.ingestAt(T0 - MINUTE, {
      adherenceState: 'InAdherence',
      adherenceChangedAt: Date.UTC(2099, 0, 1),
    });
    await h.ingestAt(T0 - 30_000, { adherenceState: 'OutOfAdherence', adherenceChangedAt: T0 - 40 * HOUR });
    await h.ingestAt(T0 + 1_000, { adherenceChangedAt: T0 });
    assert.deepEqual(h.counters.eventsClampedTotal, { changeTimeInFuture: 1 });
    assert.deepEqual(h.counters.eventsIgnoredTotal, { changeTimeTooOld: 1 });
    await h.advanceTo(T0 + 11 * MINUTE);
    assert.deepEqual(h.notifier.sent(T0), ['nudge|agent@6', 'supervisorAlert|supervisorChannel@10']);
    assert.equal(h.monitor.appliedObservations, 2);
  });

  it('counts stale and duplicate observations where they are judged, in the drift core', async () => {
    const h = harness();
    await h.ingestAt(T0 + 1_000, {});
    await h.ingestAt(T0 + 2_000, {});
    await h.ingestAt(T0 + 3_000, { adherenceState: 'InAdherence', adherenceChangedAt: T0 - MINUTE });
    assert.deepEqual(h.counters.eventsIgnoredTotal, { duplicate: 1, stale: 1 });
  });

  it('looks up an agent the directory does not know before their first nudge, so it can reach them', async () => {
    const known = new Map<string, AgentProfile>();
    const lookups: string[] = [];
    const directory = {
      getAgent: (id: string) => known.get(id),
      lookUpAgent: async (id: string, unitId?: string) => {
        lookups.push(`${id}@${unitId}`);
        const profile = { id, name: 'Nia New', email: 'nia.new@contoso.example', managementUnitId: unitId! };
        known.set(id, profile);
        return profile;
      },
    } as unknown as AgentDirectory;
    const h = harness({ directory });
    await h.ingestAt(T0 + 1_000, {});
    assert.deepEqual(lookups, []);
    await h.advanceTo(T0 + 6 * MINUTE);
    assert.deepEqual(lookups, ['a1@mu1']);
    assert.deepEqual(h.notifier.sent(T0), ['nudge|agent@6']);
    await h.ingestAt(T0 + 7 * MINUTE, { adherenceState: 'InAdherence', adherenceChangedAt: T0 + 7 * MINUTE });
    assert.equal((await h.history.get(`a1:${T0}`, 'mu1'))?.agentName, 'Nia New');
  });

  it('keeps a Positive-impact drift from the supervisor and in history as suppressed', async () => {
    const h = harness();
    await h.ingestAt(T0 + 1_000, { impact: 'Positive', actualActivityCategory: 'OnQueueWork' });
    await h.advanceTo(T0 + 20 * MINUTE);
    await h.ingestAt(T0 + 20 * MINUTE, {
      adherenceState: 'InAdherence',
      adherenceChangedAt: T0 + 20 * MINUTE,
    });
    assert.deepEqual(h.notifier.deliveries, []);
    const record = await h.history.get(`a1:${T0}`, 'mu1');
    assert.equal(record?.episode.outcome, 'suppressed');
    assert.equal(record?.episode.suppression, 'positiveImpact');
  });

  it('updates the cards of an alerted episode when its explanation is approved, and sends nothing more', async () => {
    const h = harness();
    await h.ingestAt(T0 + 1_000, {});
    await h.advanceTo(T0 + 11 * MINUTE);
    await h.ingestAt(T0 + 11 * MINUTE, { explanationStatus: 'Approved' });
    await h.advanceTo(T0 + 30 * MINUTE);
    assert.deepEqual(h.notifier.sent(T0), ['nudge|agent@6', 'supervisorAlert|supervisorChannel@10']);
    assert.deepEqual(
      h.notifier.cardUpdates.map((u) => `${u.change}:${u.episode.suppression}`),
      ['suppressed:approvedExplanation'],
    );
  });

  it('ends the open episodes of a unit that vanished, says so on the cards, and stops processing it', async () => {
    const h = harness();
    await h.ingestAt(T0 + 1_000, {});
    await h.advanceTo(T0 + 11 * MINUTE);
    assert.equal(await h.monitor.retireUnit('mu1'), 1);
    assert.equal(await h.stateStore.get({ managementUnitId: 'mu1', agentId: 'a1' }), undefined);
    assert.equal((await h.history.get(`a1:${T0}`, 'mu1'))?.episode.outcome, 'removedFromUnit');
    assert.deepEqual(
      h.notifier.cardUpdates.map((u) => u.change),
      ['suppressed'],
    );
    await h.ingestAt(T0 + 12 * MINUTE, { adherenceChangedAt: T0 + 12 * MINUTE });
    await h.advanceTo(T0 + 40 * MINUTE);
    assert.equal(h.notifier.deliveries.length, 2);
    assert.equal(h.monitor.droppedObservations, 1);
  });

  it('times a burst on the clamped change times, so one frame dated 2099 does not switch dampening off', async () => {
    const h = harness({
      policy: makePolicy({
        dampening: { windowMs: 60_000, massChangeAgents: 3, massChangeWithinMs: 10_000 },
      }),
    });
    await h.ingestAt(T0, { agentId: 'x', adherenceChangedAt: Date.UTC(2099, 0, 1) });
    for (const agentId of ['b1', 'b2', 'b3'])
      await h.ingestAt(T0 + 2_000, { agentId, adherenceChangedAt: T0 + 1_000 });
    assert.ok(h.monitor.heldObservations >= 1, 'the burst is recognised and held');
  });
});
