import type { AlertNotifier, DeliveryResult } from '../app/ports/alert-notifier';
import type { OutboxAlert } from '../app/ports/alert-outbox';
import type { EpisodeChange } from '../domain/drift-commands';
import type { DriftEpisode } from '../domain/drift-episode';
import type { VirtualClock } from '../platform/virtual-time';
import type { AgentBehaviour } from './agent-behaviour';
import type { SupervisorChannels } from './supervisor-channels';

/** Delivers nothing: it tells the agents' behaviour about nudges and the supervisor channels about alerts, and counts. */
export class SimulatedTeams implements AlertNotifier {
  nudges = 0;
  supervisorAlerts = 0;
  private sent = 0;

  constructor(
    private readonly behaviour: AgentBehaviour,
    private readonly channels: SupervisorChannels,
    private readonly clock: VirtualClock,
  ) {}

  deliver(alert: OutboxAlert): Promise<DeliveryResult> {
    const now = this.clock.now();
    if (alert.kind === 'nudge' && alert.recipient === 'agent') {
      this.nudges += 1;
      this.behaviour.onNudge(alert.agentId, now);
    } else if (alert.kind === 'supervisorAlert' && alert.recipient === 'supervisorChannel') {
      this.supervisorAlerts += 1;
      const { responseFactor } = this.channels.present(alert.agentId, now);
      this.behaviour.onSupervisorAlert(alert.agentId, now, responseFactor);
    }
    this.sent += 1;
    return Promise.resolve({
      status: 'sent',
      conversationId: 'simulation',
      activityId: `simulation-${this.sent}`,
    });
  }

  updateCards(episode: DriftEpisode, change: EpisodeChange): Promise<void> {
    if (change === 'backInAdherence' || change === 'suppressed') this.channels.leaveBoard(episode.agentId);
    return Promise.resolve();
  }
}
