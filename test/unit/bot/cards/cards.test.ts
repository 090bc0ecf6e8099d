import assert from 'node:assert/strict';
import type { DriftEpisode } from '../../../../src/domain/drift-episode';
import { MAX_CARD_BYTES } from '../../../../bot/cards/adaptive-card';
import { parseCardAction, CARD_VERBS } from '../../../../bot/cards/card-actions';
import { describeEpisode } from '../../../../bot/cards/episode-view';
import { buildHelpCard } from '../../../../bot/cards/help-card';
import { buildMyAdherenceCard } from '../../../../bot/cards/my-adherence-card';
import { buildNudgeCard } from '../../../../bot/cards/nudge-card';
import { buildReportCard } from '../../../../bot/cards/report-card';
import { buildStatusCard } from '../../../../bot/cards/status-card';
import { buildSupervisorAlertCard } from '../../../../bot/cards/supervisor-alert-card';
import { buildDriftReport } from '../../../../src/analytics/drift-report';
import { DEFAULT_THRESHOLDS } from '../../../../src/domain/drift-policy';
import { parserProblems } from '../../../support/adaptive-card-parser';
import { exampleDirectory, openEpisode } from '../../../support/bot-fakes';

const NOW = Date.UTC(2026, 7, 20, 10, 15, 0);
const directory = exampleDirectory();
const view = (episode: DriftEpisode) => describeEpisode(episode, directory, NOW);
const by = { id: 'aad-sup', name: 'Sam Supervisor' };

const supervisorStates: Record<string, DriftEpisode> = {
  open: openEpisode(),
  withReplyAndUnavailableCheck: openEpisode({
    agentReply: { by: { id: 'aad-ana' }, at: NOW, reason: 'other', text: 'fire drill' },
    scheduleCoverage: 'unavailable',
  }),
  acknowledged: openEpisode({ acknowledged: { by, at: NOW } }),
  snoozed: openEpisode({ snoozed: { by, at: NOW, until: NOW + 30 * 60_000 }, suppression: 'snoozed' }),
  approvedOvertime: openEpisode({
    approvedOvertime: { by, at: NOW, until: NOW + 4 * 3_600_000 },
    suppression: 'approvedOvertime',
  }),
  backInAdherence: openEpisode({ endedAt: NOW, outcome: 'resolvedAfterSupervisorAlert' }),
  formalException: openEpisode({
    stage: 'formalException',
    formalExceptionAt: NOW,
    endedAt: NOW + 60_000,
    outcome: 'becameFormalException',
  }),
};

const nudgeStates: Record<string, DriftEpisode> = {
  open: openEpisode({ stage: 'nudged' }),
  replied: openEpisode({ agentReply: { by: { id: 'aad-ana' }, at: NOW, reason: 'longCustomerInteraction' } }),
  backInAdherence: openEpisode({ endedAt: NOW, outcome: 'resolvedAfterNudge' }),
  formalException: openEpisode({ endedAt: NOW, outcome: 'becameFormalException', formalExceptionAt: NOW }),
};

const allCards: Record<string, object> = {
  ...Object.fromEntries(
    Object.entries(supervisorStates).map(([name, episode]) => [
      `supervisor ${name}`,
      buildSupervisorAlertCard(view(episode), {
        wfmUrl: 'https://apps.mypurecloud.ie/',
        nudgeUndeliverableReason: 'app not installed for the agent',
      }),
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(nudgeStates).map(([name, episode]) => [`nudge ${name}`, buildNudgeCard(view(episode))]),
  ),
  'help channel': buildHelpCard('channel'),
  'help personal': buildHelpCard('personal', 'Welcome'),
  status: buildStatusCard(
    'all units',
    [{ agentName: 'Ana Alvarez', unitName: 'North', stage: 'nudged', minutes: 7, isHeld: false }],
    NOW,
  ),
  'status empty': buildStatusCard('unit North', [], NOW),
  'my adherence': buildMyAdherenceCard({
    agentName: 'Ana Alvarez',
    current: { scheduledLabel: 'On queue', actualLabel: 'Break', since: NOW - 7 * 60_000, minutes: 7 },
    today: [{ startedAt: NOW - 3_600_000, minutes: 4, outcome: 'back on schedule' }],
    thresholds: DEFAULT_THRESHOLDS,
    windowUrl: 'https://teams.microsoft.com/l/entity/d0542305-b877-4035-9d0e-7b0c7daa2737/my-drift-window',
  }),
  report: buildReportCard(
    'all units',
    buildDriftReport(
      [{ episode: supervisorStates.backInAdherence, agentName: 'Ana Alvarez', recordedAt: NOW }],
      { from: NOW - 7 * 86_400_000, to: NOW + 1 },
    ),
  ),
  'report empty': buildReportCard('all units', buildDriftReport([], { from: NOW - 7 * 86_400_000, to: NOW })),
};

/** Words a supportive nudge never uses (seed guide, edge case 4: "supportive in tone (not accusatory)"). */
const ACCUSATORY =
  /\b(violat\w*|fail\w*|late|warning|penalt\w*|disciplin\w*|infraction|non-?complian\w*|must|immediately|caught|breach\w*|unacceptable|out of adherence|exception|monitor\w*|report\w*|supervisor alert)\b/i;

describe('Adaptive cards', () => {
  for (const [name, card] of Object.entries(allCards)) {
    it(`parses the ${name} card with the official parser without errors or unknown elements, under 80 KB`, () => {
      assert.deepEqual(parserProblems(card), []);
      assert.ok(Buffer.byteLength(JSON.stringify(card), 'utf16le') < MAX_CARD_BYTES);
      assert.equal((card as { version: string }).version, '1.5');
    });
  }

  it('links the my adherence card to the My drift window tab', () => {
    const card = JSON.stringify(allCards['my adherence']);
    assert.match(
      card,
      /"type":"Action.OpenUrl","title":"Open my drift window","url":"https:\/\/teams.microsoft.com\/l\/entity\/[^"]+\/my-drift-window"/,
    );
  });

  it('keeps a card with 500 drifting agents under 80 KB', () => {
    const entries = Array.from({ length: 500 }, (_, i) => ({
      agentName: `Agent number ${i} with a long name`,
      unitName: 'North',
      stage: 'nudged' as const,
      minutes: i,
      isHeld: false,
    }));
    assert.ok(
      Buffer.byteLength(JSON.stringify(buildStatusCard('all units', entries, NOW)), 'utf16le') <
        MAX_CARD_BYTES,
    );
  });

  it('words every nudge state supportively, never with an accusatory word', () => {
    for (const [name, episode] of Object.entries(nudgeStates)) {
      const words = JSON.stringify(buildNudgeCard(view(episode)));
      assert.doesNotMatch(words, ACCUSATORY, `nudge ${name}`);
    }
    assert.match(
      JSON.stringify(buildNudgeCard(view(nudgeStates.open))),
      /Quick check-in.*Phones \(On queue\).*Break.*If something came up, just let us know/,
    );
  });

  it('is a detector that would catch an accusatory nudge', () => {
    assert.match('You are late and out of adherence: this is a warning.', ACCUSATORY);
  });

  it('turns the nudge into a short thank-you once the agent is back in adherence', () => {
    const card = JSON.stringify(buildNudgeCard(view(nudgeStates.backInAdherence)));
    assert.match(card, /Thanks, Ana!/);
    assert.doesNotMatch(card, /Action\.Execute/);
  });

  it('wraps every Action.Execute in an ActionSet with an Action.Submit fallback carrying the verb', () => {
    const card = buildSupervisorAlertCard(view(supervisorStates.open), {});
    const executes = JSON.stringify(card).match(/"type":"Action\.Execute"/g) ?? [];
    assert.equal(executes.length, 3);
    const fallbacks =
      JSON.stringify(card).match(
        /"fallback":\{"type":"Action\.Submit","title":"[^"]+","data":\{"episodeId":"[^"]+","verb":"drift\.\w+"/g,
      ) ?? [];
    assert.equal(fallbacks.length, 3);
  });

  it('shows the supervisor everything about the drift and the updated states', () => {
    const open = JSON.stringify(
      buildSupervisorAlertCard(view(supervisorStates.withReplyAndUnavailableCheck), {
        nudgeUndeliverableReason: 'app not installed for the agent',
        wfmUrl: 'https://wfm',
      }),
    );
    for (const expected of [
      'Ana Alvarez',
      'North',
      'Red Team',
      'Phones (On queue)',
      'Break',
      'Other: fire drill',
      'pre-check could not be made',
      'app not installed for the agent',
      'Open Genesys Cloud WFM',
      'Acknowledge',
      'Snooze',
      'Approved overtime',
    ]) {
      assert.ok(open.includes(expected), expected);
    }
    assert.match(
      JSON.stringify(buildSupervisorAlertCard(view(supervisorStates.acknowledged))),
      /Acknowledged by Sam Supervisor/,
    );
    assert.match(
      JSON.stringify(buildSupervisorAlertCard(view(supervisorStates.snoozed))),
      /Snoozed by Sam Supervisor until/,
    );
    assert.match(
      JSON.stringify(buildSupervisorAlertCard(view(supervisorStates.approvedOvertime))),
      /Approved overtime by Sam Supervisor/,
    );
    assert.match(
      JSON.stringify(buildSupervisorAlertCard(view(supervisorStates.backInAdherence))),
      /Back in adherence after 12 min/,
    );
    const exception = JSON.stringify(buildSupervisorAlertCard(view(supervisorStates.formalException)));
    assert.match(exception, /Became a formal adherence exception/);
    assert.doesNotMatch(exception, /Action\.Execute/, 'an ended episode has no actions');
  });

  it("escapes the agent's free-text reply on the supervisor card: no links, formatting or card functions", () => {
    const text =
      '[Click to approve](https://evil.example) **urgent** {{DATE(2030-01-01T00:00:00Z, SHORT)}} <at>all</at>\n# Heading';
    const card = buildSupervisorAlertCard(
      view(openEpisode({ agentReply: { by: { id: 'aad-ana' }, at: NOW, reason: 'other', text } })),
    );
    const facts = (card.body[1] as { facts: { title: string; value: string }[] }).facts;
    const says = facts.find((fact) => fact.title === 'Agent says')!.value;
    assert.equal(
      says,
      'Other: \\[Click to approve\\](https://evil.example) \\*\\*urgent\\*\\* \\{\\{DATE(2030\\-01\\-01T00:00:00Z, SHORT)\\}\\} \\<at\\>all\\</at\\> \\# Heading',
    );
  });

  it('reads card actions from Action.Execute and from the Action.Submit fallback, refusing unknown input', () => {
    assert.deepEqual(parseCardAction(CARD_VERBS.snooze, { episodeId: 'e1', snoozeMinutes: '30' }), {
      kind: 'snooze',
      episodeId: 'e1',
      minutes: 30,
    });
    assert.deepEqual(parseCardAction(undefined, { verb: CARD_VERBS.acknowledge, episodeId: 'e1' }), {
      kind: 'acknowledge',
      episodeId: 'e1',
    });
    assert.deepEqual(
      parseCardAction(CARD_VERBS.agentReply, {
        episodeId: 'e1',
        replyReason: 'other',
        replyText: '  fire drill ',
      }),
      { kind: 'agentReply', episodeId: 'e1', reason: 'other', text: 'fire drill' },
    );
    assert.deepEqual(parseCardAction(CARD_VERBS.agentBackOnIt, { episodeId: 'e1' }), {
      kind: 'agentReply',
      episodeId: 'e1',
      reason: 'backOnIt',
    });
    assert.equal(parseCardAction(CARD_VERBS.snooze, { episodeId: 'e1', snoozeMinutes: '999' }), undefined);
    assert.equal(
      parseCardAction(CARD_VERBS.agentReply, { episodeId: 'e1', replyReason: 'napping' }),
      undefined,
    );
    assert.equal(parseCardAction('drift.delete', { episodeId: 'e1' }), undefined);
    assert.equal(parseCardAction(CARD_VERBS.acknowledge, {}), undefined);
  });
});
