import type { GenesysDirectory } from './genesys-directory';
import type { ResolvedGenesysClientOptions } from './genesys-client-options';

const MU_TOPIC_PREFIX = 'v2.workforcemanagement.managementunits.';
const BU_TOPIC_PREFIX = 'v2.workforcemanagement.businessunits.';
const USER_TOPIC_PREFIX = 'v2.users.';
const MU_ADHERENCE_SUFFIX = '.adherence';
const USER_ADHERENCE_SUFFIX = '.workforcemanagement.adherence';

/** What a stream's restore reads: the units and the users whose adherence topics it carries. */
export interface RestoreScope {
  readonly unitIds: readonly string[];
  readonly userIds: readonly string[];
}

/** The topic on which Genesys announces that an asynchronous management-unit schedule search completed. */
export function scheduleSearchTopicOf(
  options: Pick<ResolvedGenesysClientOptions, 'scheduleSearchUserId' | 'clientId'>,
): string {
  // Which {id} a client-credentials token uses is not in the SDK; public client-credentials integrations subscribe
  // the OAuth client id in v2.users.{id}.workforcemanagement.* result topics (e.g.
  // https://github.com/singer-io/tap-purecloud/blob/master/tap_purecloud/websocket_helper.py formats
  // 'v2.users.{}.workforcemanagement.historicaladherencequery' with config client_id), so that is the default.
  const id = options.scheduleSearchUserId ?? options.clientId;
  return `v2.users.${id}.workforcemanagement.agentschedules.managementunit.search.complete`;
}

/**
 * Every topic the client needs: adherence per unit (or per agent), schedule changes per unit and business unit when
 * asked, and the schedule search completion topic.
 */
export function buildTopics(
  directory: Pick<GenesysDirectory, 'listUnits' | 'listAgents'>,
  options: Pick<
    ResolvedGenesysClientOptions,
    'adherenceTopicScope' | 'subscribeScheduleTopics' | 'scheduleSearchUserId' | 'clientId'
  >,
): string[] {
  const units = directory.listUnits();
  const topics: string[] = [];
  if (options.adherenceTopicScope === 'user') {
    for (const agent of directory.listAgents())
      topics.push(`${USER_TOPIC_PREFIX}${agent.id}${USER_ADHERENCE_SUFFIX}`);
  } else {
    for (const unit of units) topics.push(`${MU_TOPIC_PREFIX}${unit.id}${MU_ADHERENCE_SUFFIX}`);
  }
  if (options.subscribeScheduleTopics) {
    const businessUnitIds = new Set<string>();
    for (const unit of units) {
      if (unit.businessUnitId) businessUnitIds.add(unit.businessUnitId);
      topics.push(`${MU_TOPIC_PREFIX}${unit.id}.agentschedules.changed`);
    }
    for (const businessUnitId of businessUnitIds)
      topics.push(`${BU_TOPIC_PREFIX}${businessUnitId}.schedules`);
  }
  topics.push(scheduleSearchTopicOf(options));
  return topics;
}

/**
 * Fits `wanted` into the streams' current topic lists: topics no longer wanted are dropped, new ones fill the
 * room each stream has (up to `max`), and what does not fit is left `fresh` for new streams. Pure.
 */
export function planTopics(
  current: readonly (readonly string[])[],
  wanted: readonly string[],
  max: number,
): { lists: string[][]; fresh: string[] } {
  const wantedSet = new Set(wanted);
  const lists = current.map((topics) => topics.filter((topic) => wantedSet.has(topic)));
  const have = new Set(lists.flat());
  const fresh = wanted.filter((topic) => !have.has(topic));
  for (const list of lists) while (list.length < max && fresh.length > 0) list.push(fresh.shift()!);
  return { lists, fresh };
}

/** The units and users whose adherence a stream of `topics` carries. */
export function restoreScopeOf(topics: readonly string[]): RestoreScope {
  const unitIds: string[] = [];
  const userIds: string[] = [];
  for (const topic of topics) {
    if (topic.startsWith(MU_TOPIC_PREFIX) && topic.endsWith(MU_ADHERENCE_SUFFIX))
      unitIds.push(topic.slice(MU_TOPIC_PREFIX.length, topic.length - MU_ADHERENCE_SUFFIX.length));
    else if (topic.startsWith(USER_TOPIC_PREFIX) && topic.endsWith(USER_ADHERENCE_SUFFIX))
      userIds.push(topic.slice(USER_TOPIC_PREFIX.length, topic.length - USER_ADHERENCE_SUFFIX.length));
  }
  return { unitIds, userIds };
}
