import assert from 'node:assert/strict';
import type { ActionOutcome, ActionSink } from '../../../../src/app/ports/action-sink';
import type { DriftAction } from '../../../../src/domain/drift-commands';
import { createInMemoryStores } from '../../../../src/storage/in-memory-stores';
import { CARD_VERBS } from '../../../../bot/cards/card-actions';
import { AlertCardRenderer } from '../../../../bot/delivery/alert-card-renderer';
import { CardActionHandler } from '../../../../bot/handlers/card-action-handler';
import type { TurnInfo } from '../../../../bot/handlers/turn-info';
import { AAD, exampleDirectory, openEpisode, recordRow } from '../../../support/bot-fakes';
import { ManualClock } from '../../../support/manual-clock';
import { RecordingLogger } from '../../../support/recording-logger';

const ALERTS = '19:alerts@thread.tacv2';

/** An ActionSink that answers what the test says, as the drift monitor would, and keeps the actions. */
class ScriptedActionSink implements ActionSink {
  readonly actions: DriftAction[] = [];
  constructor(private readonly answer: (action: DriftAction) => ActionOutcome) {}
  async act(_unitId: string, _agentId: string, action: DriftAction): Promise<ActionOutcome> {
    this.actions.push(action);
    return this.answer(action);
  }
}

function fromAlertChannel(): TurnInfo {
  return {
    serviceUrl: 'https://smba.example/teams/',
    conversationId: `${ALERTS};messageid=1`,
    conversationType: 'channel',
    channelId: ALERTS,
    from: { id: '29:sam', aadObjectId: AAD.sup, name: 'Sam Supervisor' },
    reference: {},
  };
}

async function handlerWith(sink: ActionSink) {
  const stores = createInMemoryStores();
  const clock = new ManualClock(Date.UTC(2026, 7, 20, 10, 15, 0));
  const episode = openEpisode();
  await recordRow(stores.outbox, episode, 'supervisorAlert', 'supervisorChannel', {
    conversationId: ALERTS,
    activityId: 'activity-1',
  });
  const handler = new CardActionHandler({
    outbox: stores.outbox,
    conversations: stores.conversations,
    actions: sink,
    renderer: new AlertCardRenderer({ directory: exampleDirectory(), clock }),
    clock,
    logger: new RecordingLogger(),
  });
  return { handler, episode, stores };
}

describe('CardActionHandler', () => {
  it('renders the card from the episode the action produced, not from stored state', async () => {
    const sink = new ScriptedActionSink((action) => ({
      result: 'applied',
      episode: {
        ...openEpisode(),
        acknowledged: { by: { id: AAD.sup, name: 'Sam Supervisor' }, at: action.at },
      },
    }));
    const { handler, episode, stores } = await handlerWith(sink);
    assert.equal(
      await stores.driftState.get({ managementUnitId: episode.managementUnitId, agentId: episode.agentId }),
      undefined,
    );
    const outcome = await handler.handle(fromAlertChannel(), CARD_VERBS.acknowledge, {
      episodeId: episode.id,
    });
    assert.equal(outcome.kind, 'card');
    assert.equal(sink.actions[0]?.type, 'acknowledge');
    assert.match(
      JSON.stringify(outcome.kind === 'card' ? outcome.card : {}),
      /Acknowledged by Sam Supervisor/,
    );
  });

  it('answers stale with a message, and no card, when the action found the episode over', async () => {
    const { handler, episode } = await handlerWith(new ScriptedActionSink(() => ({ result: 'stale' })));
    const outcome = await handler.handle(fromAlertChannel(), CARD_VERBS.acknowledge, {
      episodeId: episode.id,
    });
    assert.deepEqual(outcome, {
      kind: 'message',
      text: 'This drift episode has already ended, so nothing changed.',
      reason: 'stale',
    });
  });
});
