import assert from 'node:assert/strict';
import { buildContactCentre } from '../../../src/simulator/contact-centre';

describe('buildContactCentre', () => {
  const startAt = Date.parse('2026-11-28T09:00:00Z');

  it('gives the first agents the named identities, in unit order, and keeps the rest generated', () => {
    const centre = buildContactCentre({
      seed: 7,
      units: 2,
      agentsPerUnit: 3,
      startAt,
      agentIdentities: [
        { name: 'Alex Wilber', email: 'AlexW@example.com' },
        { name: 'Megan Bowen', email: 'meganb@example.com' },
      ],
    });
    assert.deepEqual(
      centre.agents.slice(0, 2).map((a) => [a.name, a.email]),
      [
        ['Alex Wilber', 'alexw@example.com'],
        ['Megan Bowen', 'meganb@example.com'],
      ],
    );
    assert.match(centre.agents[2].email, /@contoso\.example$/);
  });

  it('builds the same centre without identities as before (ids do not shift)', () => {
    const plain = buildContactCentre({ seed: 7, units: 2, agentsPerUnit: 3, startAt });
    const named = buildContactCentre({
      seed: 7,
      units: 2,
      agentsPerUnit: 3,
      startAt,
      agentIdentities: [{ name: 'A B', email: 'a@b.example' }],
    });
    assert.deepEqual(
      named.agents.map((a) => a.id),
      plain.agents.map((a) => a.id),
    );
  });
});
