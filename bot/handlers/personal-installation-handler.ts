import type { ConversationRecord } from '../../src/app/ports/conversation-store';
import { buildHelpCard } from '../cards/help-card';
import type { WelcomeOffer } from '../delivery/welcome-sender';
import { hasLocation, locationOf } from './conversation-location';
import { InstallationBase, SAME_INSTALL_WITHIN_MS, type InstallKind } from './installation-base';
import type { TurnInfo } from './turn-info';
import { isPersonalKey } from './turn-info';

/**
 * Installs and uninstalls in a person's scope: stores the chat keyed by the user's Entra object id, links the Genesys
 * agent with the same email or UPN, welcomes once; an uninstall deletes only that person's reference.
 */
export class PersonalInstallationHandler extends InstallationBase {
  /** The app was installed (or upgraded) in a personal scope: store, link, and queue the one welcome. */
  async onPersonalInstalled(turn: TurnInfo, kind: InstallKind): Promise<WelcomeOffer | undefined> {
    const record = await this.rememberPersonal(turn);
    if (record === undefined) return undefined;
    const agent = record.agentId ? this.deps.directory.getAgent(record.agentId) : undefined;
    const intro = agent
      ? `Hi ${agent.name.split(' ')[0]}! You're linked to your Genesys Cloud agent profile.`
      : "Hi! I couldn't match your Teams account to a Genesys Cloud agent yet (I match your email or sign-in name), so I can't send you check-ins.";
    return this.deps.welcomes.offer(
      'personal',
      record.key,
      locationOf(turn),
      buildHelpCard('personal', intro),
      {
        silently: kind.isUpgrade,
      },
    );
  }

  /** Stores (or refreshes) the personal chat of `turn.from` and links the agent; returns the stored record. */
  async rememberPersonal(turn: TurnInfo): Promise<ConversationRecord | undefined> {
    const aad = turn.from.aadObjectId;
    if (!isPersonalKey(aad) || turn.conversationType !== 'personal' || !hasLocation(turn)) {
      this.log.warn(
        { conversationType: turn.conversationType },
        'personal activity without a personal conversation, a service URL or an Entra object id; nothing stored',
      );
      return undefined;
    }
    const existing = await this.deps.conversations.get(aad);
    const now = this.deps.clock.now();
    if (
      existing &&
      existing.conversationId === turn.conversationId &&
      existing.serviceUrl === turn.serviceUrl &&
      existing.deadReason === undefined &&
      existing.email !== undefined &&
      now - existing.updatedAt < SAME_INSTALL_WITHIN_MS
    )
      return existing;
    const member = await this.read(turn, () => this.deps.messenger.getMember(locationOf(turn), turn.from.id));
    const profile = member.status === 'ok' ? member.value : undefined;
    if (member.status !== 'ok')
      this.log.warn(
        { status: member.status },
        'could not read the member of a personal chat; storing without email',
      );
    const email = profile?.email ?? existing?.email;
    const userPrincipalName = profile?.userPrincipalName ?? existing?.userPrincipalName;
    const agent = this.findAgent(email, userPrincipalName);
    const record: ConversationRecord = {
      key: aad,
      kind: 'personal',
      tenantId: turn.tenantId ?? existing?.tenantId,
      serviceUrl: turn.serviceUrl,
      conversationId: turn.conversationId,
      reference: turn.reference,
      aadObjectId: aad,
      email,
      userPrincipalName,
      displayName: profile?.name ?? turn.from.name ?? existing?.displayName,
      agentId: agent?.id ?? existing?.agentId,
      updatedAt: now,
    };
    await this.deps.conversations.upsert(record);
    this.log.info(
      { linked: record.agentId !== undefined, agentId: record.agentId },
      'personal conversation stored',
    );
    return record;
  }

  /** Stores the personal chat on a message when it is unknown, moved, dead or not linked yet (an install event may be missed). */
  async ensurePersonal(turn: TurnInfo): Promise<void> {
    const existing = isPersonalKey(turn.from.aadObjectId)
      ? await this.deps.conversations.get(turn.from.aadObjectId)
      : undefined;
    if (
      existing &&
      existing.conversationId === turn.conversationId &&
      existing.deadReason === undefined &&
      existing.agentId !== undefined
    )
      return;
    await this.rememberPersonal(turn);
  }

  /**
   * The user removed the app from their personal scope: deletes that person's reference only, and only when it is
   * the chat the event came from (or a roster link without a chat).
   */
  async onPersonalUninstalled(turn: TurnInfo): Promise<void> {
    const aad = turn.from.aadObjectId;
    if (!isPersonalKey(aad) || turn.conversationType !== 'personal') {
      this.log.warn(
        { conversationType: turn.conversationType },
        'personal uninstall without a personal scope; ignored',
      );
      return;
    }
    const existing = await this.deps.conversations.get(aad);
    if (existing === undefined) return;
    if (existing.conversationId !== '' && existing.conversationId !== turn.conversationId) {
      this.log.warn({}, 'personal uninstall from another conversation than the stored chat; ignored');
      return;
    }
    await this.deps.conversations.delete(aad);
    this.log.info({}, 'personal conversation deleted after uninstall');
  }
}
