import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatRecordedLine,
  isRecordedTopic,
  isRestoreRowFrame,
  parseRecordedLine,
  recordedTopicKind,
  recordingFileName,
  restoreRowFrame,
  topicScopeId,
} from '../../../src/genesys/frame-recording';
import { scheduleChangeOfFrame } from '../../../src/genesys/schedule-change-frame';

const FIXTURES = join(__dirname, '../../fixtures/genesys');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const AT = Date.parse('2026-08-20T14:03:12.450Z');

describe('frame recording format', () => {
  it('writes one line per frame that parses back to the same instant and frame', () => {
    const frame = fixture('adherence-event-management-unit.json');
    const line = formatRecordedLine(AT, frame);
    assert.ok(!line.includes('\n'));
    assert.ok(line.startsWith('{"receivedAt":"2026-08-20T14:03:12.450Z","frame":{'));
    assert.deepEqual(parseRecordedLine(line), { kind: 'frame', receivedAt: AT, frame });
  });

  it('names files by the UTC day of receipt', () => {
    assert.equal(recordingFileName(Date.parse('2026-08-20T23:59:59.999Z')), 'frames-2026-08-20.ndjson');
    assert.equal(recordingFileName(Date.parse('2026-08-21T00:30:00.000+02:00')), 'frames-2026-08-20.ndjson');
  });

  it('records the adherence and schedule topics and nothing else', () => {
    assert.ok(isRecordedTopic('v2.workforcemanagement.managementunits.mu-1.adherence'));
    assert.ok(isRecordedTopic('v2.users.u-1.workforcemanagement.adherence'));
    assert.ok(isRecordedTopic('v2.workforcemanagement.managementunits.mu-1.agentschedules.changed'));
    assert.ok(isRecordedTopic('v2.workforcemanagement.businessunits.bu-1.schedules'));
    assert.ok(!isRecordedTopic('channel.metadata'));
    assert.ok(!isRecordedTopic('v2.system.socket_closing'));
    assert.ok(!isRecordedTopic('v2.workforcemanagement.users.u-1.schedules.search'));
    assert.equal(recordedTopicKind('channel.metadata'), 'channelMetadata');
    assert.equal(topicScopeId('v2.workforcemanagement.managementunits.mu-1.agentschedules.changed'), 'mu-1');
  });

  it('wraps a REST restore row as a frame of its unit adherence topic, marked as a restore', () => {
    const row = (fixture('management-unit-adherence-listing.json') as { entities: unknown[] }).entities[0];
    const frame = restoreRowFrame('mu-1', row);
    assert.deepEqual(frame, {
      topicName: 'v2.workforcemanagement.managementunits.mu-1.adherence',
      eventBody: row,
      metadata: { source: 'restore' },
    });
    assert.ok(isRestoreRowFrame(frame));
    // Recognised by its REST field names even without the marker; a topic event is not.
    assert.ok(isRestoreRowFrame({ topicName: frame.topicName, eventBody: row }));
    assert.ok(!isRestoreRowFrame(fixture('adherence-event-management-unit.json') as { topicName: string }));
  });

  it('says what is wrong with a line instead of throwing', () => {
    const reasons = [
      '',
      '[1,2]',
      '{"frame":{"topicName":"x"}}',
      '{"receivedAt":"2026-08-20","frame":{"topicName":"x"}}',
      '{"receivedAt":"2026-08-20T14:03:12Z","frame":[]}',
      '{"receivedAt":"2026-08-20T14:03:12Z","frame":{"eventBody":{}}}',
    ].map((text) => {
      const parsed = parseRecordedLine(text);
      return parsed.kind === 'bad' ? parsed.reason : 'ok';
    });
    assert.deepEqual(reasons, [
      'not JSON',
      'not a JSON object',
      'no receivedAt',
      'receivedAt "2026-08-20" is not an ISO-8601 instant',
      'frame is not an object',
      'frame has no topicName',
    ]);
  });
});

describe('scheduleChangeOfFrame', () => {
  it('reads unit and business-unit schedule frames as the client does', () => {
    assert.deepEqual(
      scheduleChangeOfFrame('v2.workforcemanagement.managementunits.mu-1.agentschedules.changed', {}),
      { kind: 'units', managementUnitIds: ['mu-1'] },
    );
    assert.deepEqual(
      scheduleChangeOfFrame('v2.workforcemanagement.businessunits.bu-1.schedules', {
        status: 'Complete',
        result: { managementUnits: [{ managementUnit: { id: 'mu-2' } }] },
      }),
      { kind: 'businessUnit', businessUnitId: 'bu-1', managementUnitIds: ['mu-2'] },
    );
    assert.deepEqual(scheduleChangeOfFrame('v2.workforcemanagement.businessunits.bu-1.schedules', {}), {
      kind: 'businessUnit',
      businessUnitId: 'bu-1',
    });
    assert.deepEqual(
      scheduleChangeOfFrame('v2.workforcemanagement.businessunits.bu-1.schedules', { status: 'Error' }),
      { kind: 'none' },
    );
    assert.equal(
      scheduleChangeOfFrame('v2.workforcemanagement.managementunits.mu-1.adherence', {}),
      undefined,
    );
  });
});
