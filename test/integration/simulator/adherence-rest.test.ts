import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/simulator/genesys-simulator';
import { ApiClient, startTestSimulator } from '../../support/simulator-test-kit';

describe('Genesys simulator WFM REST', () => {
  let sim: RunningSimulator;
  let api: ApiClient;
  beforeEach(async () => {
    sim = await startTestSimulator({ downloadThreshold: 5 });
    api = await ApiClient.login(sim);
  });
  afterEach(() => sim.stop());

  it('lists business units, management units and their users', async () => {
    const bus = await api.json('GET', '/api/v2/workforcemanagement/businessunits');
    assert.equal(bus.status, 200);
    const buId = bus.body.entities[0].id;
    const mus = await api.json('GET', `/api/v2/workforcemanagement/businessunits/${buId}/managementunits`);
    assert.equal(mus.body.entities.length, 2);
    const all = await api.json('GET', '/api/v2/workforcemanagement/managementunits');
    assert.deepEqual(
      all.body.entities.map((u: { id: string }) => u.id),
      mus.body.entities.map((u: { id: string }) => u.id),
    );
    const users = await api.json(
      'GET',
      `/api/v2/workforcemanagement/managementunits/${mus.body.entities[0].id}/users`,
    );
    assert.equal(users.body.entities.length, 4);
    assert.deepEqual(Object.keys(users.body.entities[0]).sort(), ['id', 'selfUri']);
  });

  it('returns adherence settings only when expanded, with a 15-minute exception threshold and ignored activities', async () => {
    const muId = sim.control.listUnits()[0].id;
    const plain = await api.json('GET', `/api/v2/workforcemanagement/managementunits/${muId}`);
    assert.equal(plain.body.settings, undefined);
    const expanded = await api.json(
      'GET',
      `/api/v2/workforcemanagement/managementunits/${muId}?expand=settings.adherence`,
    );
    const adherence = expanded.body.settings.adherence;
    assert.equal(adherence.adherenceExceptionThresholdSeconds, 900);
    assert.equal(adherence.severeAlertThresholdMinutes, 5);
    assert.deepEqual(adherence.ignoredActivityCategories, { values: ['Training'] });
    assert.equal(adherence.ignoredActivityCodeIds.values.length, 1);
    assert.equal(typeof expanded.body.timeZone, 'string');
    assert.equal(expanded.body.businessUnit.id, sim.control.listUnits()[0].businessUnitId);
  });

  it('lists activity codes including Overtime and Team Meeting', async () => {
    const buId = sim.control.listUnits()[0].businessUnitId;
    const codes = await api.json('GET', `/api/v2/workforcemanagement/businessunits/${buId}/activitycodes`);
    const names = codes.body.entities.map((c: { name: string }) => c.name);
    assert.ok(names.includes('Overtime'));
    assert.ok(names.includes('Team Meeting'));
    assert.equal(
      codes.body.entities.find((c: { name: string }) => c.name === 'Team Meeting').category,
      'Meeting',
    );
  });

  it('lists unit adherence with REST field names and answers only a downloadUrl when forced', async () => {
    const muId = sim.control.listUnits()[0].id;
    const listing = await api.json('GET', `/api/v2/workforcemanagement/managementunits/${muId}/adherence`);
    assert.equal(listing.body.entities.length, 4);
    const entry = listing.body.entities.find(
      (e: { scheduledActivityCategory: string }) => e.scheduledActivityCategory === 'OnQueueWork',
    );
    assert.equal(typeof entry.timeOfAdherenceChange, 'string');
    assert.equal(entry.adherenceChangeTime, undefined);
    assert.equal(entry.managementUnit.id, muId);
    assert.equal(typeof entry.scheduledActivityCode.name, 'string');
    const forced = await api.json(
      'GET',
      `/api/v2/workforcemanagement/managementunits/${muId}/adherence?forceDownloadService=true`,
    );
    assert.deepEqual(Object.keys(forced.body), ['downloadUrl']);
    const downloaded = await fetch(forced.body.downloadUrl);
    assert.equal(downloaded.status, 200);
    assert.deepEqual(((await downloaded.json()) as { entities: unknown[] }).entities, listing.body.entities);
  });

  it('answers a downloadUrl when the unit is larger than the download threshold', async () => {
    await sim.stop();
    sim = await startTestSimulator({ downloadThreshold: 3 });
    api = await ApiClient.login(sim);
    const listing = await api.json(
      'GET',
      `/api/v2/workforcemanagement/managementunits/${sim.control.listUnits()[0].id}/adherence`,
    );
    assert.equal(listing.body.entities, undefined);
    assert.match(listing.body.downloadUrl, /^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('returns a bare array for 1 to 100 user ids and 400 outside that range', async () => {
    const ids = sim.control.listAgents().map((a) => a.id);
    const res = await api.json(
      'GET',
      `/api/v2/workforcemanagement/adherence?${ids
        .slice(0, 3)
        .map((id) => `userId=${id}`)
        .join('&')}`,
    );
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(res.body));
    assert.deepEqual(
      res.body.map((e: { id: string }) => e.id),
      ids.slice(0, 3),
    );
    assert.equal((await api.json('GET', '/api/v2/workforcemanagement/adherence')).status, 400);
    const tooMany = Array.from({ length: 101 }, (_, i) => `userId=u${i}`).join('&');
    const over = await api.json('GET', `/api/v2/workforcemanagement/adherence?${tooMany}`);
    assert.equal(over.status, 400);
    assert.equal(over.body.code, 'bad.request');
    const commaJoined = await api.json(
      'GET',
      `/api/v2/workforcemanagement/adherence?userId=${ids.slice(0, 2).join(',')}`,
    );
    assert.deepEqual(
      commaJoined.body.map((e: { id: string }) => e.id),
      ids.slice(0, 2),
      'the official SDK joins repeated ids with commas',
    );
    const hundred = Array.from({ length: 100 }, (_, i) => `userId=${ids[i % ids.length]}`).join('&');
    assert.equal((await api.json('GET', `/api/v2/workforcemanagement/adherence?${hundred}`)).status, 200);
  });

  it('answers users by id with email, username, manager and state, and 404 for an unknown user', async () => {
    const agent = sim.control.listAgents()[0];
    const one = await api.json('GET', `/api/v2/users/${agent.id}`);
    assert.equal(one.body.email, agent.email);
    assert.match(agent.email, /^[a-z]+\.[a-z]+\d*@contoso\.example$/);
    assert.equal(one.body.username, agent.email);
    assert.equal(one.body.manager.id, agent.managerId);
    assert.equal(one.body.state, 'active');
    const many = await api.json(
      'GET',
      `/api/v2/users?id=${agent.id}&id=${agent.managerId}&pageSize=25&state=active`,
    );
    assert.deepEqual(
      many.body.entities.map((u: { id: string }) => u.id),
      [agent.id, agent.managerId],
    );
    assert.equal((await api.json('GET', '/api/v2/users/no-such-user')).status, 404);
  });
});
