import assert from 'node:assert/strict';
import { createLogger, parseLogLevel } from '../../../src/platform/logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  };
}

describe('createLogger', () => {
  it('writes JSON lines with the name and child bindings', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', name: 'adherence-drift', destination });
    logger.child({ component: 'drift-monitor' }).info({ agentId: 'a1' }, 'nudged');
    assert.equal(lines.length, 1);
    assert.equal(lines[0].name, 'adherence-drift');
    assert.equal(lines[0].component, 'drift-monitor');
    assert.equal(lines[0].agentId, 'a1');
    assert.equal(lines[0].msg, 'nudged');
  });

  it("writes a binding once when a child binds a name its parent bound, keeping the child's value", () => {
    const raw: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => void raw.push(line) },
    });
    const teams = logger.child({ component: 'teams', instanceId: 'i1' });
    teams.child({ component: 'teams-notifier' }).warn({ alertId: 'x' }, 'not sent');
    teams.info('still teams');
    assert.equal(raw.length, 2);
    assert.equal(raw[0].match(/"component"/g)?.length, 1, raw[0]);
    assert.match(raw[0], /"component":"teams-notifier"/);
    assert.match(raw[0], /"instanceId":"i1"/);
    assert.match(raw[1], /"component":"teams"/);
  });

  it('drops lines below the level and logs nothing when silent', () => {
    const { lines, destination } = capture();
    createLogger({ level: 'warn', destination }).info('hidden');
    createLogger({ level: 'silent', destination }).error('hidden');
    createLogger({ level: 'warn', destination }).warn('shown');
    assert.deepEqual(
      lines.map((l) => l.msg),
      ['shown'],
    );
  });

  it('redacts authorization headers, tokens, secrets and passwords at any depth', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'debug', destination });
    const err = Object.assign(new Error('401'), { config: { headers: { Authorization: 'Bearer abc.def' } } });
    logger.debug({
      authorization: 'Basic Y2xpZW50OnNlY3JldA==',
      request: { headers: { authorization: 'Bearer t1', 'x-api-key': 'k1' } },
      oauth: { access_token: 'at', expires_in: 86400 },
      genesys: { clientId: 'visible-id', clientSecret: 's3cr3t' },
      bot: { password: 'pw' },
      storage: { connectionString: 'AccountKey=xyz' },
      err,
    });
    const text = JSON.stringify(lines);
    for (const secret of [
      'Y2xpZW50OnNlY3JldA',
      'Bearer t1',
      'k1',
      '"at"',
      's3cr3t',
      '"pw"',
      'AccountKey',
      'abc.def',
    ]) {
      assert.ok(!text.includes(secret), `leaked ${secret}: ${text}`);
    }
    assert.ok(text.includes('visible-id'));
    assert.ok(text.includes('86400'));
  });

  it('pretty-prints for a person when asked: level, message and fields on a line, no JSON, secrets still redacted', () => {
    const written: string[] = [];
    const logger = createLogger({
      level: 'info',
      name: 'adherence-drift',
      pretty: true,
      destination: { write: (line: string) => void written.push(line) },
    });
    logger.child({ component: 'drift-monitor' }).info({ agentId: 'a1', token: 'tok-123' }, 'nudging agent');
    const text = written.join('');
    assert.match(text, /^\[[\d:.]+\] INFO \(adherence-drift\): nudging agent \{.*\}\n$/);
    assert.match(text, /"component":"drift-monitor"/);
    assert.match(text, /"agentId":"a1"/);
    assert.ok(!text.includes('tok-123'), `leaked the token: ${text}`);
    assert.ok(!text.includes('\u001b['), 'no colour codes into a given stream');
    assert.throws(() => JSON.parse(text.trim()) as unknown);
  });
});

describe('parseLogLevel', () => {
  it('accepts the pino level names in any case and nothing else', () => {
    assert.equal(parseLogLevel('DEBUG'), 'debug');
    assert.equal(parseLogLevel('silent'), 'silent');
    assert.equal(parseLogLevel('verbose'), undefined);
  });
});
