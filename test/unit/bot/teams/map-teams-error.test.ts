import assert from 'node:assert/strict';
import { mapTeamsError } from '../../../../bot/teams/map-teams-error';
import { removeSdkRetries, createCloudAdapter } from '../../../../bot/teams/create-cloud-adapter';
import { ConfigError } from '../../../../src/platform/errors';
import { RecordingLogger } from '../../../support/recording-logger';

/** The shape botbuilder's RestError has (verified on 4.23.3: statusCode, code, response.headers.get). */
function restError(statusCode: number, code?: string, retryAfter?: string): object {
  return {
    statusCode,
    code,
    response: {
      status: statusCode,
      headers: { get: (name: string) => (name === 'retry-after' ? retryAfter : undefined) },
    },
  };
}

const NOW = Date.parse('2026-08-20T14:00:00Z');

describe('mapTeamsError', () => {
  it('maps 429 to throttled honouring Retry-After seconds', () => {
    assert.deepEqual(mapTeamsError(restError(429, 'Throttled', '7'), NOW), {
      status: 'throttled',
      retryAfterMs: 7_000,
    });
    assert.deepEqual(mapTeamsError(restError(429), NOW), { status: 'throttled', retryAfterMs: 1_000 });
  });

  it("reads a Retry-After HTTP date against the caller's clock, not the machine's", () => {
    assert.deepEqual(mapTeamsError(restError(429, 'Throttled', 'Thu, 20 Aug 2026 14:00:30 GMT'), NOW), {
      status: 'throttled',
      retryAfterMs: 30_000,
    });
  });

  it('retries 412, 502, 503, 504 and network errors only', () => {
    for (const status of [412, 502, 503, 504])
      assert.equal(
        (mapTeamsError(restError(status), NOW) as { isRetryable: boolean }).isRetryable,
        true,
        String(status),
      );
    assert.equal((mapTeamsError({ code: 'ECONNRESET' }, NOW) as { isRetryable: boolean }).isRetryable, true);
    for (const status of [400, 401, 413, 500])
      assert.equal(
        (mapTeamsError(restError(status), NOW) as { isRetryable: boolean }).isRetryable,
        false,
        String(status),
      );
  });

  it('maps 403 and 404 to recipientGone with the Teams error code', () => {
    for (const code of ['ConversationBlockedByUser', 'BotNotInConversationRoster', 'BotDisabledByAdmin']) {
      const result = mapTeamsError(restError(403, code), NOW);
      assert.equal(result.status, 'recipientGone');
      assert.match(result.status === 'recipientGone' ? result.reason : '', new RegExp(code));
    }
    const notFound = mapTeamsError(restError(404, 'ConversationNotFound'), NOW);
    assert.match(
      notFound.status === 'recipientGone' ? notFound.reason : '',
      /no longer exists \(404 ConversationNotFound\)/,
    );
  });
});

describe('createCloudAdapter', () => {
  it('refuses an empty BOT_ID unless the run is explicitly local, and always in production', () => {
    for (const options of [
      { appId: '', isProduction: false },
      { appId: '', isProduction: true, isLocal: true },
    ])
      assert.throws(
        () => createCloudAdapter(options, new RecordingLogger()),
        (error: unknown) => error instanceof ConfigError && /BOT_ID/.test(error.message),
      );
  });

  it('requires a tenant id with a single-tenant app id', () => {
    assert.throws(
      () => createCloudAdapter({ appId: 'app', isProduction: false }, new RecordingLogger()),
      /BOT_TENANT_ID/,
    );
  });

  it('builds an adapter with auth off in an explicit local run and says so in the log', () => {
    const logger = new RecordingLogger();
    assert.ok(createCloudAdapter({ isProduction: false, isLocal: true }, logger));
    assert.ok(
      logger.entries.some((entry) => entry.level === 'warn' && /authentication is OFF/.test(entry.msg ?? '')),
    );
  });

  it('reports whether the SDK retry policy could be removed', () => {
    const policies = [{ name: 'defaultRetryPolicy' }, { name: 'logPolicy' }];
    const client = {
      client: {
        pipeline: {
          removePolicy: ({ name }: { name: string }) =>
            policies.splice(
              policies.findIndex((p) => p.name === name),
              1,
            ),
          getOrderedPolicies: () => policies,
        },
      },
    };
    assert.equal(removeSdkRetries(client), true);
    assert.deepEqual(policies, [{ name: 'logPolicy' }]);
    assert.equal(removeSdkRetries({}), false);
  });
});
