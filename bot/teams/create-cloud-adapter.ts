import type { ConnectorClient, ConnectorFactory } from 'botframework-connector';
import type { ClaimsIdentity } from 'botframework-connector';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Clock } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';
import { ConfigError } from '../../src/platform/errors';
import { SystemClock } from '../../src/platform/system-clock';
import { RateLimitedLog } from './rate-limited-log';
import { describeError } from '../../src/platform/describe-error';

/** Azure Bot identity (BOT_ID, BOT_PASSWORD, BOT_TYPE, BOT_TENANT_ID); `Settings.bot` fits it. */
export interface BotAuthOptions {
  /** Empty or absent turns Bot Framework auth off, which only an explicit local run allows (`isLocal`). */
  readonly appId?: string;
  readonly appPassword?: string;
  readonly type?: 'SingleTenant' | 'UserAssignedMSI' | 'MultiTenant';
  readonly tenantId?: string;
  readonly isProduction: boolean;
  /** LOCAL_MODE=true: the only case where an empty app id is accepted. */
  readonly isLocal?: boolean;
}

/**
 * Builds the CloudAdapter. With an app id, every inbound request needs a valid Bot Framework JWT (401 otherwise)
 * and outbound calls get a token; with none, auth is off both ways, which only an explicit local run allows.
 * The SDK's own HTTP retries are removed so a 429 reaches our limiter at once (see {@link removeSdkRetries}).
 * Errors of a turn are logged (rate-limited), never printed.
 */
export function createCloudAdapter(
  options: BotAuthOptions,
  logger: Logger,
  clock: Clock = new SystemClock(),
): EdgeCloudAdapter {
  const appId = options.appId?.trim() ?? '';
  if (appId === '' && (options.isLocal !== true || options.isProduction)) {
    throw new ConfigError([
      {
        setting: 'BOT_ID',
        problem:
          'is required: an empty BOT_ID turns Bot Framework auth off, which only an explicit local run allows (LOCAL_MODE=true, never with NODE_ENV=production)',
      },
    ]);
  }
  if (appId !== '' && (options.tenantId ?? '') === '' && options.type !== 'MultiTenant') {
    throw new ConfigError([
      {
        setting: 'BOT_TENANT_ID',
        problem: `is required with BOT_ID for BOT_TYPE=${options.type ?? 'SingleTenant'}`,
      },
    ]);
  }
  const log = logger.child({ component: 'bot-adapter' });
  const auth = new LimiterFriendlyAuthentication(
    appId === ''
      ? {}
      : {
          MicrosoftAppId: appId,
          MicrosoftAppPassword: options.appPassword ?? '',
          MicrosoftAppType: options.type ?? 'SingleTenant',
          MicrosoftAppTenantId: options.tenantId ?? '',
        },
    log,
  );
  const adapter = new EdgeCloudAdapter(auth);
  const turnErrors = new RateLimitedLog(log, clock);
  adapter.onTurnError = (context, error) => {
    // Type and message only: activities and tokens stay out of the logs.
    const message = describeError(error).slice(0, 300);
    turnErrors.error(
      `turn:${message.slice(0, 80)}`,
      { activityType: context.activity?.type, err: message },
      'unhandled error in a bot turn',
    );
    return Promise.resolve();
  };
  if (appId === '') log.warn({}, 'BOT_ID is empty: Bot Framework authentication is OFF (local use only)');
  return adapter;
}

/**
 * A CloudAdapter that lets the endpoint run an activity it has already read and checked: the token check and the
 * turn, without `process`, which answers 500 with the library's message and prints the stack (lib/cloudAdapter.js).
 */
export class EdgeCloudAdapter extends CloudAdapter {
  /** Checks the Authorization header (throws AuthenticationError when refused) and runs `logic` in a turn. */
  processInbound(
    authorization: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authorization, activity, logic);
  }
}

/** Auth whose connector clients have no SDK retry policy. */
class LimiterFriendlyAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(
    config: Record<string, string>,
    private readonly log: Logger,
  ) {
    super(config);
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const inner = super.createConnectorFactory(claimsIdentity);
    const log = this.log;
    return {
      async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        const client = await inner.create(serviceUrl, audience);
        if (!removeSdkRetries(client))
          log.warn({}, 'could not remove the SDK retry policy; Teams 429s may be retried inside the SDK');
        return client;
      },
    };
  }
}

/**
 * Removes @azure/core-rest-pipeline's `defaultRetryPolicy` from a connector client. Verified on botbuilder 4.23.3:
 * the connector otherwise retries a 429 up to 3 times after Retry-After inside the call, and 5xx with exponential
 * backoff, so our tenant pause would only see a 429 after several, and an outbox send could block for minutes.
 * Reaches into `client.client.pipeline` (not public API); returns false if that shape changes.
 */
export function removeSdkRetries(client: unknown): boolean {
  const pipeline = (
    client as {
      client?: {
        pipeline?: {
          removePolicy?(options: { name: string }): unknown;
          getOrderedPolicies?(): { name: string }[];
        };
      };
    }
  )?.client?.pipeline;
  if (typeof pipeline?.removePolicy !== 'function') return false;
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  return !(pipeline.getOrderedPolicies?.() ?? []).some((policy) => policy.name === 'defaultRetryPolicy');
}
