import assert from 'node:assert/strict';
import { MAX_CARD_BYTES } from '../../../../bot/cards/adaptive-card';
import { buildDigestCard } from '../../../../bot/cards/digest-card';
import { buildReportCard } from '../../../../bot/cards/report-card';
import { buildDriftReport } from '../../../../src/analytics/drift-report';
import { localWeekStarting } from '../../../../src/analytics/local-calendar';
import { buildWeeklyDigest } from '../../../../src/analytics/weekly-digest';
import type { DriftHistoryRecord } from '../../../../src/app/ports/drift-history-store';
import type { DriftOutcome } from '../../../../src/domain/drift-episode';
import { parserProblems } from '../../../support/adaptive-card-parser';
import { endedEpisode } from '../../../support/digest-fixtures';

const HOUR = 3_600_000;
const AGENTS = ['Ana Alvarez', 'Ben Brown', 'Cai Chen', 'Dee <b>Dee</b> [x](https://evil)'];
const NOW = Date.UTC(2026, 7, 24, 7, 0);

function history(
  monday: number,
  outcomes: readonly DriftOutcome[],
  category = 'OnQueueWork',
  minute = 0,
): DriftHistoryRecord[] {
  return outcomes.map((outcome, index) =>
    endedEpisode({
      agentId: `agent-${index % AGENTS.length}`,
      agentName: AGENTS[index % AGENTS.length],
      managementUnitId: 'mu-north',
      startedAt: monday + (index % 5) * 24 * HOUR + (8 + (index % 3)) * HOUR + minute * 60_000,
      outcome,
      scheduledActivityCategory: category,
    }),
  );
}

const records = [
  ...history(Date.UTC(2026, 7, 10), ['becameFormalException', 'becameFormalException', 'resolvedAfterNudge']),
  ...history(Date.UTC(2026, 7, 17), [
    'becameFormalException',
    'resolvedAfterNudge',
    'resolvedAfterSupervisorAlert',
  ]),
  ...history(Date.UTC(2026, 7, 17), ['resolvedAfterNudge', 'resolvedBeforeNudge'], 'Break', 30),
];
const digestOf = (rows: readonly DriftHistoryRecord[]) =>
  buildWeeklyDigest(rows, {
    week: localWeekStarting('2026-08-17', 'Europe/Dublin'),
    timeZone: 'Europe/Dublin',
    now: NOW,
  });

const cards: Record<string, object> = {
  digest: buildDigestCard(digestOf(records), {
    watching: 'unit North, team Blue',
    boardUrl: 'https://teams.microsoft.com/l/entity/d0542305-b877-4035-9d0e-7b0c7daa2737/drift-board',
  }),
  'digest on request': buildDigestCard(digestOf(records), {
    watching: 'all units',
    note: 'Shown on request; this channel also gets it every Monday at 08:00 (Europe/Dublin).',
  }),
  'digest of two quiet weeks': buildDigestCard(digestOf([]), { watching: 'all units' }),
  'digest after a quiet week': buildDigestCard(digestOf(records.slice(3)), { watching: 'all units' }),
  report: buildReportCard('all units', buildDriftReport(records, { from: NOW - 14 * 24 * HOUR, to: NOW })),
  'report agents': buildReportCard(
    'all units',
    buildDriftReport(records, { from: NOW - 14 * 24 * HOUR, to: NOW }),
    { withAgents: true },
  ),
};

describe('The weekly digest card and the report card', () => {
  for (const [name, card] of Object.entries(cards)) {
    it(`parses the ${name} card with the official parser without errors or unknown elements, under 80 KB`, () => {
      assert.deepEqual(parserProblems(card), []);
      assert.ok(Buffer.byteLength(JSON.stringify(card), 'utf16le') < MAX_CARD_BYTES);
      assert.equal((card as { version: string }).version, '1.5');
    });
  }

  it('shows last week against the week before: episodes, nudges, alerts, what they resolved, formal exceptions and the change', () => {
    const rows = rowsOf(cards.digest);
    assert.deepEqual(rows.slice(0, 7), [
      ['', 'Last week', 'Week before', 'Change'],
      ['Drift episodes', '5', '3', '+67%'],
      ['Nudges sent', '4', '3', '+33%'],
      ['Resolved before a supervisor was needed', '2 (50%)', '1 (33%)', ''],
      ['Supervisor alerts', '2', '2', '0%'],
      ['Resolved before the formal exception', '1 (50%)', '0 (0%)', ''],
      ['Formal exceptions', '1', '2', '−50%'],
    ]);
    const json = JSON.stringify(cards.digest);
    assert.match(json, /"text":"−50%"[^}]*"color":"Good"/, 'fewer formal exceptions read as good news');
    assert.match(json, /"text":"\+67%"[^}]*"color":"Attention"/);
    assert.match(
      json,
      /Last week \(17–23 Aug 2026\) against the week before \(10–16 Aug 2026\), Europe\/Dublin time/,
    );
    assert.match(json, /"title":"On queue","value":"3 episodes, 43 min"/);
    assert.match(json, /"title":"Break","value":"2 episodes, 11 min"/);
    assert.match(json, /When it started most \(Europe\/Dublin\)/);
    assert.match(
      json,
      /"type":"Action.OpenUrl","title":"Open the drift board","url":"https:\/\/teams.microsoft.com\/l\/entity\/[^"]+\/drift-board"/,
    );
    assert.match(json, /Watching: unit North, team Blue\./);
    assert.match(JSON.stringify(cards['digest on request']), /every Monday at 08:00 \(Europe\/Dublin\)/);
  });

  it('names no agent in the digest nor in the plain report; report agents does', () => {
    for (const name of ['digest', 'digest on request', 'report']) {
      const json = JSON.stringify(cards[name]);
      for (const agent of [...AGENTS, 'agent-0'])
        assert.ok(!json.includes(agent.split(' ')[0]), `${name}: ${agent}`);
      assert.match(json, /mention me with \\"report agents\\"/, `${name} says how to see per-agent figures`);
    }
    const withAgents = JSON.stringify(cards['report agents']);
    assert.match(withAgents, /Most drift episodes/);
    for (const agent of AGENTS.slice(0, 3)) assert.ok(withAgents.includes(agent), agent);
  });

  it('says so when neither week had drift, and gives no percentage of nothing', () => {
    assert.match(JSON.stringify(cards['digest of two quiet weeks']), /No drift was recorded in either week/);
    assert.deepEqual(rowsOf(cards['digest after a quiet week'])[1], ['Drift episodes', '5', '0', '–']);
  });

  it('keeps a digest for a channel watching hundreds of teams under 80 KB, the names escaped', () => {
    const watching = Array.from({ length: 400 }, (_, i) => `team *Night* Shift number ${i}`).join(', ');
    const card = buildDigestCard(digestOf(records), { watching });
    assert.ok(Buffer.byteLength(JSON.stringify(card), 'utf16le') < MAX_CARD_BYTES);
    assert.match(JSON.stringify(card), /team \\\\\*Night\\\\\* Shift number 399/);
  });
});

/** The comparison rows of a digest card: the texts of each ColumnSet's columns. */
function rowsOf(card: object): string[][] {
  const body = (card as { body: { type: string; columns?: { items: { text: string }[] }[] }[] }).body;
  return body
    .filter((element) => element.type === 'ColumnSet')
    .map((set) => set.columns!.map((column) => column.items[0].text));
}
