import assert from 'node:assert/strict';
import { CardUpdateQueue } from '../../../src/app/card-update-queue';
import { newOutboxAlert } from '../../../src/app/outbox-alert';
import type { AlertNotifier } from '../../../src/app/ports/alert-notifier';
import type { AlertOutbox, OutboxAlert } from '../../../src/app/ports/alert-outbox';
import type { EpisodeChange } from '../../../src/domain/drift-commands';
import type { DriftEpisode } from '../../../src/domain/drift-episode';
import { openEpisode } from '../../support/bot-fakes';
import { RecordingLogger } from '../../support/recording-logger';

/** A notifier whose card updates wait until the test lets each one finish. */
class GatedNotifier implements Pick<AlertNotifier, 'updateCards'> {
  readonly started: Array<{ episodeId: string; change: EpisodeChange; stage: string }> = [];
  private readonly gates: Array<() => void> = [];

  updateCards(episode: DriftEpisode, change: EpisodeChange): Promise<void> {
    this.started.push({ episodeId: episode.id, change, stage: episode.stage });
    return new Promise((resolve) => this.gates.push(resolve));
  }

  /** Lets every update started so far finish. */
  release(): void {
    for (const open of this.gates.splice(0)) open();
  }
}

describe('CardUpdateQueue', () => {
  const sentRow = (episode: DriftEpisode): OutboxAlert => ({
    ...newOutboxAlert(episode, 'nudge', 'agent', episode.driftStartedAt),
    status: 'sent',
    conversationId: 'chat-1',
    activityId: 'activity-1',
  });

  function queueOver(rows: Map<string, OutboxAlert[]>, notifier: GatedNotifier) {
    const tracked: Array<Promise<unknown>> = [];
    const outbox = {
      listByEpisode: (episodeId: string) => Promise.resolve(rows.get(episodeId) ?? []),
    } as unknown as AlertOutbox;
    const logger = new RecordingLogger();
    const queue = new CardUpdateQueue({
      outbox,
      notifier: notifier as unknown as AlertNotifier,
      logger,
      track: (work) => tracked.push(work),
    });
    return { queue, tracked, logger };
  }

  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('returns at once and runs the update as tracked work of its own', async () => {
    const episode = openEpisode();
    const notifier = new GatedNotifier();
    const { queue, tracked } = queueOver(new Map([[episode.id, [sentRow(episode)]]]), notifier);

    void queue.enqueue(episode, 'acknowledged');
    await settle();

    assert.deepEqual(notifier.started, [
      { episodeId: episode.id, change: 'acknowledged', stage: 'supervisorAlerted' },
    ]);
    assert.equal(tracked.length, 1);
    notifier.release();
    await Promise.all(tracked);
  });

  it('runs one episode’s updates in order, and an update still waiting gives way to a newer one', async () => {
    const episode = openEpisode();
    const notifier = new GatedNotifier();
    const { queue, tracked } = queueOver(new Map([[episode.id, [sentRow(episode)]]]), notifier);

    void queue.enqueue(episode, 'acknowledged');
    await settle();
    void queue.enqueue({ ...episode, stage: 'supervisorAlerted' }, 'snoozed');
    void queue.enqueue({ ...episode, stage: 'formalException' }, 'formalException');
    assert.equal(queue.waitingCount, 1);
    await settle();
    assert.equal(notifier.started.length, 1);

    notifier.release();
    await settle();
    await settle();
    notifier.release();
    await Promise.all(tracked);

    assert.deepEqual(
      notifier.started.map((update) => [update.change, update.stage]),
      [
        ['acknowledged', 'supervisorAlerted'],
        ['formalException', 'formalException'],
      ],
    );
    assert.equal(tracked.length, 1);
  });

  it('updates different episodes side by side, and skips an episode with no sent card', async () => {
    const first = openEpisode();
    const second = openEpisode({ id: 'agent-ben:1', agentId: 'agent-ben' });
    const unsent = openEpisode({ id: 'agent-cy:1', agentId: 'agent-cy' });
    const notifier = new GatedNotifier();
    const { queue, tracked } = queueOver(
      new Map([
        [first.id, [sentRow(first)]],
        [second.id, [sentRow(second)]],
        [unsent.id, [{ ...sentRow(unsent), status: 'pending' }]],
      ]),
      notifier,
    );

    void queue.enqueue(first, 'acknowledged');
    void queue.enqueue(second, 'snoozed');
    void queue.enqueue(unsent, 'acknowledged');
    await settle();

    assert.deepEqual(
      notifier.started.map((update) => update.episodeId),
      [first.id, second.id],
    );
    notifier.release();
    await Promise.all(tracked);
  });

  it('logs a failed update and goes on with the next one', async () => {
    const episode = openEpisode();
    const notifier = new GatedNotifier();
    let reads = 0;
    const tracked: Array<Promise<unknown>> = [];
    const logger = new RecordingLogger();
    const queue = new CardUpdateQueue({
      outbox: {
        listByEpisode: () =>
          ++reads === 1 ? Promise.reject(new Error('table down')) : Promise.resolve([sentRow(episode)]),
      } as unknown as AlertOutbox,
      notifier: notifier as unknown as AlertNotifier,
      logger,
      track: (work) => tracked.push(work),
    });

    void queue.enqueue(episode, 'acknowledged');
    await Promise.all(tracked);
    void queue.enqueue(episode, 'snoozed');
    await settle();
    notifier.release();
    await Promise.all(tracked);

    assert.equal(logger.entries.filter((entry) => entry.msg === 'card update failed').length, 1);
    assert.deepEqual(
      notifier.started.map((update) => update.change),
      ['snoozed'],
    );
  });

  it('resolves an update once it is done, and one replaced by a newer update once the newer is done', async () => {
    const episode = openEpisode();
    const notifier = new GatedNotifier();
    const { queue, tracked } = queueOver(new Map([[episode.id, [sentRow(episode)]]]), notifier);
    const settledOrder: string[] = [];

    const first = queue.enqueue(episode, 'acknowledged').then(() => settledOrder.push('acknowledged'));
    await settle();
    const replaced = queue.enqueue(episode, 'snoozed').then(() => settledOrder.push('snoozed'));
    const newest = queue.enqueue(episode, 'formalException').then(() => settledOrder.push('formalException'));
    await settle();
    assert.deepEqual(settledOrder, [], 'nothing is done while the first update waits for Teams');

    notifier.release();
    await first;
    assert.deepEqual(settledOrder, ['acknowledged']);
    await settle();
    notifier.release();
    await Promise.all([replaced, newest, ...tracked]);
    assert.deepEqual(settledOrder, ['acknowledged', 'snoozed', 'formalException']);
    assert.equal(notifier.started.length, 2, 'the replaced update was never rendered on its own');
  });
});
