import assert from 'node:assert/strict';
import { MAX_CARD_BYTES } from '../../../../bot/cards/adaptive-card';
import { CARD_VERBS, parseCardAction } from '../../../../bot/cards/card-actions';
import {
  buildClosedDriftBoardCard,
  buildDriftBoardCard,
  isBoardAction,
  MAX_BOARD_ROWS_SHOWN,
} from '../../../../bot/cards/drift-board-card';
import { describeEpisode, type EpisodeView } from '../../../../bot/cards/episode-view';
import type { DriftEpisode } from '../../../../src/domain/drift-episode';
import { parserProblems } from '../../../support/adaptive-card-parser';
import { exampleDirectory, openEpisode } from '../../../support/bot-fakes';

const NOW = Date.UTC(2026, 7, 20, 10, 15, 0);
const MINUTE = 60_000;
const directory = exampleDirectory();
const by = { id: 'aad-sam', name: 'Sam Supervisor' };
const view = (episode: DriftEpisode): EpisodeView => describeEpisode(episode, directory, NOW);
const BOARD_URL = 'https://drift.contoso.com/tabs/board';

const ana = openEpisode({
  agentReply: {
    by: { id: 'aad-ana' },
    at: NOW - MINUTE,
    reason: 'other',
    text: '**[fire drill](https://x.example)**',
  },
});
const ben = openEpisode({
  id: 'agent-ben:1',
  agentId: 'agent-ben',
  teamId: 'team-blue',
  driftStartedAt: NOW - 14 * MINUTE,
  stage: 'supervisorAlerted',
  acknowledged: { by, at: NOW - MINUTE },
});
const cai = openEpisode({
  id: 'agent-cai:1',
  agentId: 'agent-cai',
  managementUnitId: 'mu-south',
  teamId: 'team-green',
  driftStartedAt: NOW - 20 * MINUTE,
  stage: 'formalException',
  formalExceptionAt: NOW - 5 * MINUTE,
  snoozed: { by, at: NOW - 2 * MINUTE, until: NOW + 13 * MINUTE },
  suppression: 'snoozed',
  reAlertedAt: NOW - 3 * MINUTE,
});

interface Found {
  readonly type: string;
  readonly title?: string;
  readonly verb?: string;
  readonly data?: Record<string, unknown>;
}

/** Every action anywhere in the card (action sets, show-cards), in document order. */
function actionsIn(node: unknown, found: Found[] = []): Found[] {
  if (Array.isArray(node)) for (const item of node) actionsIn(item, found);
  else if (node !== null && typeof node === 'object') {
    const element = node as Record<string, unknown>;
    if (
      typeof element.type === 'string' &&
      element.type.startsWith('Action.') &&
      element.type !== 'Action.ShowCard'
    )
      found.push(element as unknown as Found);
    for (const [key, value] of Object.entries(element)) if (key !== 'fallback') actionsIn(value, found);
  }
  return found;
}

/** The text of every TextBlock, in order. */
function textsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) textsIn(item, found);
  else if (node !== null && typeof node === 'object') {
    const element = node as Record<string, unknown>;
    if (element.type === 'TextBlock' && typeof element.text === 'string') found.push(element.text);
    for (const value of Object.values(element)) textsIn(value, found);
  }
  return found;
}

describe('live drift board card', () => {
  it('parses with the official parser, open and all clear, and stays an Adaptive Card 1.5', () => {
    const board = buildDriftBoardCard([ana, ben, cai].map(view), { perHour: 6, now: NOW });
    const closed = buildClosedDriftBoardCard({ perHour: 6, now: NOW });
    for (const card of [board, closed]) {
      assert.deepEqual(parserProblems(card), []);
      assert.equal(card.version, '1.5');
    }
    assert.match(textsIn(closed).join('\n'), /all clear/);
    assert.deepEqual(actionsIn(closed), []);
  });

  it('shows each agent with unit, team, stage, minutes, scheduled vs actual, their reply and who handled it', () => {
    const texts = textsIn(buildDriftBoardCard([ana, ben, cai].map(view), { perHour: 6, now: NOW })).join(
      '\n',
    );
    assert.match(texts, /Live drift board: 3 agents drifting/);
    assert.match(texts, /More than 6 alerts an hour/);
    assert.match(texts, /Ana Alvarez\n/);
    assert.match(texts, /North · Red Team/);
    assert.match(
      texts,
      /Supervisor alert · 12 min since \{\{TIME\(2026-08-20T10:03:00Z\)\}\} · scheduled Phones \(On queue\), actual Break/,
    );
    // The agent's words cannot format, link or run card functions.
    assert.match(texts, /Agent says: Other: \\\*\\\*\\\[fire drill\\\]\(https:\/\/x\.example\)\\\*\\\*/);
    assert.match(texts, /Acknowledged by Sam Supervisor/);
    assert.match(texts, /Cai Chen · reminder/);
    assert.match(texts, /Formal exception · 20 min/);
    assert.match(texts, /Snoozed by Sam Supervisor until/);
  });

  it('gives each row Acknowledge (until acknowledged) and Snooze, carrying the verb, the episode and the board view', () => {
    const card = buildDriftBoardCard([ana, ben].map(view), { perHour: 6, now: NOW });
    const actions = actionsIn(card);
    const executes = actions.filter((action) => action.type === 'Action.Execute');
    assert.deepEqual(
      executes.map((action) => [action.title, action.data?.episodeId]),
      [
        ['Acknowledge', ana.id],
        ['15 minutes', ana.id],
        ['30 minutes', ana.id],
        ['60 minutes', ana.id],
        ['15 minutes', ben.id],
        ['30 minutes', ben.id],
        ['60 minutes', ben.id],
      ],
    );
    for (const action of executes) {
      assert.ok(isBoardAction(action.data), 'board buttons say they are on the board');
      assert.equal(action.data?.verb, action.verb);
    }
    assert.deepEqual(parseCardAction(executes[0].verb, executes[0].data), {
      kind: 'acknowledge',
      episodeId: ana.id,
    });
    assert.deepEqual(parseCardAction(CARD_VERBS.snooze, executes[2].data), {
      kind: 'snooze',
      episodeId: ana.id,
      minutes: 30,
    });
    assert.equal(isBoardAction({ episodeId: ana.id }), false);
  });

  it('lists agents nobody handled first, longest drift first, then snoozed, then acknowledged', () => {
    const fresh = openEpisode({ id: 'agent-ana:2', driftStartedAt: NOW - 11 * MINUTE });
    const older = openEpisode({ id: 'agent-cai:2', agentId: 'agent-cai', driftStartedAt: NOW - 30 * MINUTE });
    const texts = textsIn(buildDriftBoardCard([ben, cai, fresh, older].map(view), { perHour: 6, now: NOW }));
    const names = texts.filter((text) => /^(Ana Alvarez|Ben Brown|Cai Chen)/.test(text));
    assert.deepEqual(names, ['Cai Chen', 'Ana Alvarez', 'Cai Chen · reminder', 'Ben Brown']);
  });

  it('stays under 80 KB with hundreds of agents and long replies: shows the first rows, counts the rest, links the board tab', () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      view(
        openEpisode({
          id: `agent-${i}:1`,
          agentId: `agent-${i}`,
          driftStartedAt: NOW - (20 + i) * MINUTE,
          agentReply: { by: { id: `aad-${i}` }, at: NOW, reason: 'other', text: `*${'ü'.repeat(480)}*` },
        }),
      ),
    );
    const card = buildDriftBoardCard(many, { perHour: 6, now: NOW, boardUrl: BOARD_URL });
    const bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
    assert.ok(bytes < MAX_CARD_BYTES, `${bytes} bytes`);
    assert.deepEqual(parserProblems(card), []);
    const texts = textsIn(card);
    assert.match(texts[0], /200 agents drifting/, 'the title counts every agent on the board');
    const shown = texts.filter((text) => /^Agent agent-\d+/.test(text)).length;
    assert.ok(shown >= 1 && shown <= MAX_BOARD_ROWS_SHOWN, `${shown} rows shown`);
    assert.ok(texts.includes(`…and ${200 - shown} more agents: the drift board lists everyone.`));
    assert.deepEqual(
      actionsIn(card).filter((action) => action.type === 'Action.OpenUrl'),
      [{ type: 'Action.OpenUrl', title: 'Open the drift board', url: BOARD_URL }],
    );
    const few = buildDriftBoardCard(many.slice(0, 3), { perHour: 6, now: NOW, boardUrl: BOARD_URL });
    assert.equal(
      actionsIn(few).filter((action) => action.type === 'Action.OpenUrl').length,
      0,
      'no link when every row is shown',
    );
  });
});
