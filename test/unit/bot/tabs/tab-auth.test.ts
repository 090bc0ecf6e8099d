import assert from 'node:assert/strict';
import { isLoopback, LocalAuthenticator } from '../../../../bot/tabs/tab-auth';

describe('tab authentication in local mode', () => {
  it('knows loopback peers in IPv4, IPv6 and IPv4-mapped form', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])
      assert.ok(isLoopback(address), address);
    for (const address of ['10.0.0.5', '::ffff:192.168.1.2', '', undefined])
      assert.ok(!isLoopback(address), String(address));
  });

  it('refuses peers that are not this machine, and unknown personas', async () => {
    const people = () => [{ id: 'agent:a', name: 'Ana', role: 'agent' as const, agentId: 'a' }];
    const auth = new LocalAuthenticator(people);
    const remote = await auth.authenticate({ remoteAddress: '10.1.2.3', localViewer: 'agent:a' });
    assert.equal(remote.status === 'refused' && remote.httpStatus, 403);
    const unknown = await auth.authenticate({ remoteAddress: '127.0.0.1', localViewer: 'agent:zz' });
    assert.equal(unknown.status === 'refused' && unknown.httpStatus, 401);
    const chosen = await auth.authenticate({ remoteAddress: '127.0.0.1', localViewer: 'agent:a' });
    assert.deepEqual(chosen.status === 'ok' && chosen.viewer?.local, { role: 'agent', agentId: 'a' });
  });
});
