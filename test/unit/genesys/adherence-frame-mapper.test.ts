import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isAdherenceTopic,
  mapAdherenceFrame,
  mapAdherenceRow,
  type AdherenceMapperCounters,
} from '../../../src/genesys/adherence-frame-mapper';

const fixtures = join(__dirname, '../../fixtures/genesys');
const load = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as Record<string, unknown>;
const counters = (): AdherenceMapperCounters => ({
  unknownEnumValues: 0,
  missingFields: 0,
  malformedFrames: 0,
  otherTopicFrames: 0,
});
const OBSERVED_AT = Date.parse('2026-08-20T14:05:00.000Z');

describe('adherence frame mapper', () => {
  it('maps a management-unit adherence event, timing drift from adherenceChangeTime rather than receipt', () => {
    const c = counters();
    const observation = mapAdherenceFrame(load('adherence-event-management-unit.json'), OBSERVED_AT, c);
    assert.deepEqual(observation && { ...observation }, {
      agentId: '8a4b2c1d-0e9f-4a7b-8c6d-5e4f3a2b1c0d',
      managementUnitId: '6f0c1e7a-3b52-4d5e-9b1a-2c7d8e9f0a11',
      teamId: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
      adherenceState: 'OutOfAdherence',
      rawAdherenceState: undefined,
      scheduledActivityCategory: 'OnQueueWork',
      scheduledActivityCodeId: '7e1f0a2b-6c3d-4e5f-8a9b-0c1d2e3f4a5b',
      actualActivityCategory: 'Break',
      systemPresence: 'Break',
      routingStatus: 'OFF_QUEUE',
      adherenceChangedAt: Date.parse('2026-08-20T14:03:12.418Z'),
      observedAt: OBSERVED_AT,
      isChangeTimeEstimated: undefined,
      explanationStatus: undefined,
      impact: 'Negative',
      isOutOfOffice: false,
      removedFromUnit: false,
      source: 'event',
    });
    assert.deepEqual(c, counters());
  });

  it('maps the per-user topic sample with Unscheduled state and no team', () => {
    const observation = mapAdherenceFrame(load('adherence-event-user-unscheduled.json'), OBSERVED_AT);
    assert.equal(observation?.adherenceState, 'Unscheduled');
    assert.equal(observation?.teamId, undefined);
    assert.equal(observation?.scheduledActivityCodeId, undefined);
    assert.equal(observation?.adherenceChangedAt, Date.parse('2023-11-07T16:20:03.808Z'));
  });

  it('keeps an unknown adherence state as Unknown with the raw value and counts it', () => {
    const frame = load('adherence-event-management-unit.json');
    (frame.eventBody as Record<string, unknown>).adherenceState = 'OutdatedSdkVersion';
    (frame.eventBody as Record<string, unknown>).adherenceExplanation = { status: 'Escalated' };
    const c = counters();
    const observation = mapAdherenceFrame(frame, OBSERVED_AT, c);
    assert.equal(observation?.adherenceState, 'Unknown');
    assert.equal(observation?.rawAdherenceState, 'OutdatedSdkVersion');
    assert.equal(observation?.explanationStatus, 'Unknown');
    assert.equal(c.unknownEnumValues, 2);
  });

  it('falls back to the unit in the topic name and to receipt time when those fields are missing, counting both', () => {
    const frame = load('adherence-event-management-unit.json');
    const body = frame.eventBody as Record<string, unknown>;
    delete body.managementUnitId;
    body.adherenceChangeTime = 'not a date';
    const c = counters();
    const observation = mapAdherenceFrame(frame, OBSERVED_AT, c);
    assert.equal(observation?.managementUnitId, '6f0c1e7a-3b52-4d5e-9b1a-2c7d8e9f0a11');
    assert.equal(observation?.adherenceChangedAt, OBSERVED_AT);
    assert.equal(c.missingFields, 2);
  });

  it('asks for the unit of an agent on a per-user topic without managementUnitId', () => {
    const frame = load('adherence-event-user-unscheduled.json');
    delete (frame.eventBody as Record<string, unknown>).managementUnitId;
    const observation = mapAdherenceFrame(frame, OBSERVED_AT, counters(), (agentId) =>
      agentId === '8a4b2c1d-0e9f-4a7b-8c6d-5e4f3a2b1c0d' ? 'mu-from-directory' : undefined,
    );
    assert.equal(observation?.managementUnitId, 'mu-from-directory');
  });

  it('skips frames that are not adherence events or not usable, counting each kind', () => {
    const c = counters();
    const inputs: unknown[] = [
      null,
      'text',
      { eventBody: {} },
      load('heartbeat.json'),
      { topicName: 'v2.workforcemanagement.agents.a1.adherence.explanations', eventBody: {} },
      { topicName: 'v2.workforcemanagement.managementunits.mu1.adherence', eventBody: 'oops' },
      {
        topicName: 'v2.workforcemanagement.managementunits.mu1.adherence',
        eventBody: { adherenceState: 'InAdherence' },
      },
    ];
    for (const input of inputs) assert.equal(mapAdherenceFrame(input, OBSERVED_AT, c), undefined);
    assert.equal(c.malformedFrames, 5);
    assert.equal(c.otherTopicFrames, 2);
  });

  it('recognises exactly the three adherence topics', () => {
    assert.equal(isAdherenceTopic('v2.workforcemanagement.managementunits.mu1.adherence'), true);
    assert.equal(isAdherenceTopic('v2.users.u1.workforcemanagement.adherence'), true);
    assert.equal(isAdherenceTopic('v2.workforcemanagement.teams.t1.adherence'), true);
    assert.equal(isAdherenceTopic('v2.workforcemanagement.adherence'), false);
    assert.equal(
      isAdherenceTopic('v2.workforcemanagement.managementunits.mu1.agentschedules.changed'),
      false,
    );
    assert.equal(isAdherenceTopic('v2.workforcemanagement.managementunits.mu1.x.adherence'), false);
  });

  it('reads adherenceChangeTime exactly as Date.parse does, in the Genesys form, out of range and in any other form', () => {
    const changedAt = (text: string) =>
      mapAdherenceFrame(
        {
          topicName: 'v2.workforcemanagement.managementunits.mu1.adherence',
          eventBody: { user: { id: 'a1' }, managementUnitId: 'mu1', adherenceChangeTime: text },
        },
        OBSERVED_AT,
      )?.adherenceChangedAt;
    const expected = (text: string) => (Number.isNaN(Date.parse(text)) ? OBSERVED_AT : Date.parse(text));
    const pad = (value: number, width: number) => String(value).padStart(width, '0');
    // Every instant of years 0000-9999 as Genesys writes it (toISOString).
    fc.assert(
      fc.property(
        fc.integer({
          min: Date.parse('0000-01-01T00:00:00.000Z'),
          max: Date.parse('9999-12-31T23:59:59.999Z'),
        }),
        (ms) => {
          const text = new Date(ms).toISOString();
          assert.equal(changedAt(text), expected(text), text);
        },
      ),
      { numRuns: 2_000 },
    );
    // Each field over its digits' whole range: month 13, day 31 of February (Date.parse rolls it over), 24:00, 60 s.
    fc.assert(
      fc.property(
        fc.tuple(fc.nat(9999), fc.nat(99), fc.nat(99), fc.nat(99), fc.nat(99), fc.nat(99), fc.nat(999)),
        ([year, month, day, hour, minute, second, ms]) => {
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(ms, 3)}Z`;
          assert.equal(changedAt(text), expected(text), text);
        },
      ),
      { numRuns: 2_000 },
    );
    for (const text of [
      '2026-08-20T14:03:12Z',
      '2026-08-20T14:03:12.418+02:00',
      '+002026-08-20T14:03:12.418Z',
      '2026-08-20t14:03:12.418z',
      '2026-08-20 14:03:12.418Z',
      '2026-08-20T14:03:1x.418Z',
      '',
    ]) {
      assert.equal(changedAt(text), expected(text), text);
    }
  });

  it('maps REST UserScheduleAdherence rows using timeOfAdherenceChange and the REST field names', () => {
    const listing = load('management-unit-adherence-listing.json') as { entities: unknown[] };
    const [first, second] = listing.entities.map((row) => mapAdherenceRow(row, OBSERVED_AT));
    assert.equal(first?.agentId, '8a4b2c1d-0e9f-4a7b-8c6d-5e4f3a2b1c0d');
    assert.equal(first?.managementUnitId, '6f0c1e7a-3b52-4d5e-9b1a-2c7d8e9f0a11');
    assert.equal(first?.scheduledActivityCodeId, '7e1f0a2b-6c3d-4e5f-8a9b-0c1d2e3f4a5b');
    assert.equal(first?.adherenceChangedAt, Date.parse('2026-08-20T14:03:12.418Z'));
    assert.equal(first?.explanationStatus, 'Pending');
    assert.equal(first?.source, 'restore');
    assert.equal(second?.adherenceState, 'InAdherence');
    assert.equal(second?.teamId, undefined);
  });

  it('uses the fallback unit for a REST row without managementUnit and rejects a row without id', () => {
    const c = counters();
    assert.equal(
      mapAdherenceRow(
        { id: 'a1', adherenceState: 'InAdherence', timeOfAdherenceChange: '2026-08-20T10:00:00Z' },
        OBSERVED_AT,
        c,
        'mu9',
      )?.managementUnitId,
      'mu9',
    );
    assert.equal(mapAdherenceRow({ adherenceState: 'InAdherence' }, OBSERVED_AT, c, 'mu9'), undefined);
    assert.equal(c.malformedFrames, 1);
  });

  it('takes the agent of a restore row from user.id before the row id', () => {
    const row = {
      id: 'row-7',
      user: { id: 'a7' },
      managementUnit: { id: 'mu1' },
      adherenceState: 'OutOfAdherence',
      timeOfAdherenceChange: '2026-08-20T10:00:00Z',
    };
    assert.equal(mapAdherenceRow(row, OBSERVED_AT)?.agentId, 'a7');
  });

  it('maps impact and isOutOfOffice, keeping an impact it does not know as Unknown and counting it', () => {
    const frame = load('adherence-event-management-unit.json');
    const body = frame.eventBody as Record<string, unknown>;
    body.impact = 'Positive';
    body.isOutOfOffice = true;
    const observation = mapAdherenceFrame(frame, OBSERVED_AT);
    assert.equal(observation?.impact, 'Positive');
    assert.equal(observation?.isOutOfOffice, true);
    body.impact = 'Sideways';
    body.isOutOfOffice = 'yes';
    const c = counters();
    const odd = mapAdherenceFrame(frame, OBSERVED_AT, c);
    assert.equal(odd?.impact, 'Unknown');
    assert.equal(odd?.isOutOfOffice, undefined);
    assert.equal(c.unknownEnumValues, 1);
  });

  it('counts every refused frame under its reason', () => {
    const c = { ...counters(), eventsIgnoredTotal: {} as Record<string, number> };
    const topic = 'v2.workforcemanagement.managementunits.mu1.adherence';
    mapAdherenceFrame(null, OBSERVED_AT, c);
    mapAdherenceFrame({ eventBody: {} }, OBSERVED_AT, c);
    mapAdherenceFrame({ topicName: topic, eventBody: [] }, OBSERVED_AT, c);
    mapAdherenceFrame({ topicName: topic, eventBody: { user: { id: 7 } } }, OBSERVED_AT, c);
    mapAdherenceFrame(
      { topicName: 'v2.users.a1.workforcemanagement.adherence', eventBody: { user: { id: 'a1' } } },
      OBSERVED_AT,
      c,
    );
    assert.deepEqual(c.eventsIgnoredTotal, {
      malformedNotAnObject: 1,
      malformedNoTopicName: 1,
      malformedNoEventBody: 1,
      malformedNoAgentId: 1,
      malformedNoManagementUnit: 1,
    });
    assert.equal(c.malformedFrames, 5);
  });
});
