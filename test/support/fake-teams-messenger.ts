import type { DeliveryResult } from '../../src/app/ports/alert-notifier';
import type { ConversationRecord } from '../../src/app/ports/conversation-store';
import type {
  ConversationLocation,
  CreatedConversation,
  PersonalTarget,
  TeamsCallResult,
  TeamsChannelInfo,
  TeamsFailure,
  TeamsMember,
  TeamsMessenger,
} from '../../bot/delivery/teams-messenger';

/** One call the fake received. */
export interface MessengerCall {
  readonly op:
    | 'sendToPersonal'
    | 'sendCard'
    | 'createPersonalConversation'
    | 'postToChannel'
    | 'updateCard'
    | 'getMember'
    | 'getPagedTeamMembers'
    | 'listTeamChannels';
  readonly conversationId?: string;
  readonly activityId?: string;
  readonly card?: object;
  readonly aadObjectId?: string;
}

/** A TeamsMessenger fake: records calls, answers from its members/channels, and fails scripted calls first. */
export class FakeTeamsMessenger implements TeamsMessenger {
  readonly calls: MessengerCall[] = [];
  readonly members = new Map<string, TeamsMember[]>();
  readonly channels = new Map<string, TeamsChannelInfo[]>();
  private readonly failures: TeamsFailure[] = [];
  private nextId = 1;
  /** Called on every call as it reaches "Teams" (a jittered-arrival recorder hooks in here). */
  onCall?: (call: MessengerCall) => void;

  private record(call: MessengerCall): void {
    this.calls.push(call);
    this.onCall?.(call);
  }

  /** The next Teams calls (of any kind) answer these failures, in order. */
  failNext(...failures: TeamsFailure[]): void {
    this.failures.push(...failures);
  }

  async sendToPersonal(target: ConversationRecord | PersonalTarget, card: object): Promise<DeliveryResult> {
    const conversationId = 'conversationId' in target ? target.conversationId : `a:new-${this.nextId++}`;
    this.record({ op: 'sendToPersonal', conversationId, card });
    return this.failures.shift() ?? { status: 'sent', conversationId, activityId: `act-${this.nextId++}` };
  }

  async sendCard(location: ConversationLocation, card: object): Promise<DeliveryResult> {
    this.record({ op: 'sendCard', conversationId: location.conversationId, card });
    return (
      this.failures.shift() ?? {
        status: 'sent',
        conversationId: location.conversationId,
        activityId: `act-${this.nextId++}`,
      }
    );
  }

  async createPersonalConversation(target: PersonalTarget): Promise<TeamsCallResult<CreatedConversation>> {
    this.record({ op: 'createPersonalConversation', aadObjectId: target.aadObjectId });
    const failure = this.failures.shift();
    if (failure) return failure;
    const conversationId = `a:created-${this.nextId++}`;
    return { status: 'ok', value: { conversationId, reference: { conversation: { id: conversationId } } } };
  }

  async postToChannel(channel: ConversationRecord, card: object): Promise<DeliveryResult> {
    const root = `${this.nextId++}`;
    this.record({ op: 'postToChannel', conversationId: channel.conversationId, card });
    return (
      this.failures.shift() ?? {
        status: 'sent',
        conversationId: `${channel.conversationId};messageid=${root}`,
        activityId: root,
      }
    );
  }

  async updateCard(
    location: ConversationLocation,
    activityId: string,
    card: object,
  ): Promise<TeamsCallResult<void>> {
    this.record({ op: 'updateCard', conversationId: location.conversationId, activityId, card });
    return this.failures.shift() ?? { status: 'ok', value: undefined };
  }

  async getMember(
    location: ConversationLocation,
    userId: string,
  ): Promise<TeamsCallResult<TeamsMember | undefined>> {
    this.record({ op: 'getMember', conversationId: location.conversationId });
    const member = [...this.members.values()]
      .flat()
      .find((candidate) => candidate.id === userId || candidate.aadObjectId === userId);
    return { status: 'ok', value: member };
  }

  async getPagedTeamMembers(
    location: ConversationLocation,
    teamId: string,
    beforeEachPage?: () => Promise<boolean>,
  ): Promise<TeamsCallResult<TeamsMember[]>> {
    if (beforeEachPage && !(await beforeEachPage())) return { status: 'ok', value: [] };
    this.record({ op: 'getPagedTeamMembers', conversationId: location.conversationId });
    return { status: 'ok', value: this.members.get(teamId) ?? [] };
  }

  async listTeamChannels(
    location: ConversationLocation,
    teamId: string,
  ): Promise<TeamsCallResult<TeamsChannelInfo[]>> {
    this.record({ op: 'listTeamChannels', conversationId: location.conversationId });
    return { status: 'ok', value: this.channels.get(teamId) ?? [{ id: teamId }] };
  }

  /** Calls of one kind. */
  callsOf(op: MessengerCall['op']): MessengerCall[] {
    return this.calls.filter((call) => call.op === op);
  }
}
