import type { DriftEpisode } from '../domain/drift-episode';
import type { AlertKind, AlertRecipient, OutboxAlert } from './ports/alert-outbox';

/** The idempotency key of an outbox row, `${episodeId}|${kind}|${recipient}`, as the AlertOutbox port prescribes. */
export function outboxAlertId(episodeId: string, kind: AlertKind, recipient: AlertRecipient): string {
  return `${episodeId}|${kind}|${recipient}`;
}

/**
 * A new pending outbox row for one recipient of an episode's alert, to be sent at once (`now`, epoch ms); `dueAt` is
 * the instant the message was due (see OutboxAlert.dueAt). Pure.
 */
export function newOutboxAlert(
  episode: DriftEpisode,
  kind: AlertKind,
  recipient: AlertRecipient,
  now: number,
  dueAt?: number,
): OutboxAlert {
  return {
    id: outboxAlertId(episode.id, kind, recipient),
    episodeId: episode.id,
    agentId: episode.agentId,
    managementUnitId: episode.managementUnitId,
    kind,
    recipient,
    status: 'pending',
    createdAt: now,
    ...(dueAt === undefined ? {} : { dueAt }),
    notBefore: now,
    attempts: 0,
    episode,
  };
}
