import assert from 'node:assert/strict';
import type { ConversationRecord } from '../../../../src/app/ports/conversation-store';
import type { TeamsCallResult, TeamsMember } from '../../../../bot/delivery/teams-messenger';
import {
  RosterMembership,
  ROSTER_RECHECK_AFTER_IN_MS,
  ROSTER_TTL_IN_MS,
} from '../../../../bot/tabs/viewer-access';
import { ManualClock } from '../../../support/manual-clock';
import { RecordingLogger } from '../../../support/recording-logger';

const CHANNEL: ConversationRecord = {
  key: 'channel:19:c',
  kind: 'channel',
  serviceUrl: 'http://127.0.0.1:1/',
  conversationId: '19:c',
  reference: {},
  teamId: '19:team',
  updatedAt: 0,
};

describe('team membership from the Teams roster', () => {
  function membership(answers: TeamsCallResult<TeamsMember[]>[]) {
    const clock = new ManualClock();
    const reads: string[] = [];
    const roster = new RosterMembership({
      clock,
      logger: new RecordingLogger(),
      messenger: {
        getPagedTeamMembers: async (_location, teamId) => {
          reads.push(teamId);
          return answers.shift() ?? { status: 'ok', value: [] };
        },
      },
    });
    return { clock, reads, roster };
  }
  const member = (aadObjectId: string): TeamsMember => ({ id: `29:${aadObjectId}`, aadObjectId });

  it('reads the roster once while it is fresh, and again after it expires', async () => {
    const { clock, reads, roster } = membership([{ status: 'ok', value: [member('SAM')] }]);
    assert.equal(await roster.check(CHANNEL, { id: 'sam' }), 'member', 'object ids compared in lower case');
    clock.advanceBy(ROSTER_TTL_IN_MS - 1);
    assert.equal(await roster.check(CHANNEL, { id: 'sam' }), 'member');
    assert.equal(reads.length, 1);
    clock.advanceBy(1);
    assert.equal(await roster.check(CHANNEL, { id: 'sam' }), 'notMember', 'the new roster no longer has Sam');
    assert.equal(reads.length, 2);
  });

  it('reads again for someone not on the roster only once a minute (a member just added)', async () => {
    const { clock, reads, roster } = membership([
      { status: 'ok', value: [member('sam')] },
      { status: 'ok', value: [member('sam'), member('new')] },
    ]);
    assert.equal(await roster.check(CHANNEL, { id: 'new' }), 'notMember');
    assert.equal(await roster.check(CHANNEL, { id: 'new' }), 'notMember');
    assert.equal(reads.length, 1);
    clock.advanceBy(ROSTER_RECHECK_AFTER_IN_MS);
    assert.equal(await roster.check(CHANNEL, { id: 'new' }), 'member');
    assert.equal(reads.length, 2);
  });

  it('answers unknown when Teams fails, and does not remember the failure', async () => {
    const { reads, roster } = membership([
      { status: 'failed', reason: 'HTTP 502', isRetryable: true },
      { status: 'ok', value: [member('sam')] },
    ]);
    assert.equal(await roster.check(CHANNEL, { id: 'sam' }), 'unknown');
    assert.equal(await roster.check(CHANNEL, { id: 'sam' }), 'member');
    assert.equal(reads.length, 2);
  });
});
