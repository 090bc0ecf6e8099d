import assert from 'node:assert/strict';
import { buildSupervisorAlertCard } from '../../../../bot/cards/supervisor-alert-card';
import type { EpisodeView } from '../../../../bot/cards/episode-view';
import type { DriftEpisode } from '../../../../src/domain/drift-episode';
import { T0 } from '../../../support/drift-fixtures';

function view(episode: Partial<DriftEpisode>): EpisodeView {
  return {
    episode: {
      id: `a1:${T0}`,
      agentId: 'a1',
      managementUnitId: 'mu1',
      driftStartedAt: T0,
      stage: 'supervisorAlerted',
      supervisorAlertedAt: T0 + 600_000,
      ...episode,
    },
    agentName: 'Ana Agent',
    unitName: 'Billing',
    scheduledLabel: 'On queue',
    actualLabel: 'Break',
    now: T0 + 660_000,
  };
}

describe('supervisor alert card: Genesys impact', () => {
  it('shows the impact Genesys reported for the drift', () => {
    const card = JSON.stringify(buildSupervisorAlertCard(view({ impact: 'Negative' })));
    assert.match(card, /"title":"Impact","value":"Negative"/);
    assert.match(
      JSON.stringify(buildSupervisorAlertCard(view({ impact: 'Positive' }))),
      /"title":"Impact","value":"Positive \(working more than scheduled\)"/,
    );
    assert.doesNotMatch(JSON.stringify(buildSupervisorAlertCard(view({}))), /"title":"Impact"/);
  });

  it('says why alerts are held while Genesys shows the agent out of office or working into a break', () => {
    assert.match(
      JSON.stringify(buildSupervisorAlertCard(view({ suppression: 'outOfOffice' }))),
      /Alerts held: Genesys shows the agent out of office/,
    );
    assert.match(
      JSON.stringify(buildSupervisorAlertCard(view({ suppression: 'positiveImpact', impact: 'Positive' }))),
      /positive impact/,
    );
  });
});
