import { gzipSync } from 'node:zlib';

/** One generated POST to /api/messages: headers and raw body bytes, and what kind of case it is. */
export interface FuzzCase {
  readonly index: number;
  readonly kind: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Where the generated activities point: the Bot Connector stand-in, the tenant, and ids that must stay untouched. */
export interface FuzzTargets {
  /** The Bot Connector stand-in (replies of accepted activities go there). */
  readonly serviceUrl: string;
  readonly tenantId: string;
  /** Entra object ids and conversation ids of linked users: used only inside activities that must be refused. */
  readonly protectedObjectIds: readonly string[];
  readonly protectedConversationIds: readonly string[];
  /** Real episode ids and channel ids, so invokes also aim at things that exist. */
  readonly episodeIds?: readonly string[];
}

/** A small seeded PRNG (mulberry32): the same seed gives the same cases, so a failure replays. */
class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  guid(): string {
    const hex = (n: number): string => Array.from({ length: n }, () => this.int(16).toString(16)).join('');
    return `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
  }

  string(maxLength: number): string {
    const alphabet = 'abcXYZ019 _-:;/\\#?%|\'"<>{}[]()*`~!@&=+.,\u0000\u0007\u00e9\u4e2d\u{1f600}\u202e\n\t';
    const chars = [...alphabet];
    return Array.from({ length: this.int(maxLength + 1) }, () => this.pick(chars)).join('');
  }
}

const HOSTILE_IDS = [
  '',
  ' ',
  'channel:19:ops@thread.tacv2',
  'channel:',
  '../../etc/passwd',
  "' or 1 eq 1 or '",
  "x' or PartitionKey ne '",
  '%00%2F%23',
  '\u0000',
  '29:\u202eevil',
  '\u{1f600}\u{1f600}',
  'a:'.padEnd(300, 'a'),
  'x'.repeat(10_000),
  '00000000-0000-0000-0000-00000000000',
  '00000000-0000-0000-0000-0000000000000000',
  'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ',
  '__proto__',
  'constructor',
];

const HOSTILE_URLS = [
  'javascript:alert(1)',
  'ftp://example.com/',
  'file:///etc/passwd',
  'http://',
  '//evil.example/',
  'not a url',
  'https://',
  `https://${'a'.repeat(3_000)}.example/`,
  'data:text/html,<script>',
];

const WRONG_VALUES: readonly unknown[] = [
  null,
  0,
  -1,
  1e308,
  true,
  [],
  [1, 'a'],
  {},
  { id: 'x' },
  '',
  'x'.repeat(40_000),
  { $where: '1' },
];

const CARD_VERBS = [
  'drift.acknowledge',
  'drift.snooze',
  'drift.approveOvertime',
  'drift.agentBackOnIt',
  'drift.agentReply',
  'drift.refreshStatus',
  'drift.unknown',
  '',
  'x'.repeat(100),
];

const TEXTS = [
  'help',
  'status',
  'report',
  'watch all',
  'unwatch all',
  'move all',
  'my adherence',
  '<at>Drift</at> watch North',
  '**bold** [link](https://evil.example) {{DATE(2030-01-01T00:00:00Z)}}',
  '',
];

/**
 * Generates hostile POSTs for /api/messages, seeded: malformed bodies (random bytes, truncated JSON, wrong JSON
 * roots), wrong content types and encodings (gzip bombs included), bodies over 1 MB, deeply nested JSON, and
 * Teams-shaped activities (messages, installs, removals, card action invokes) with fields removed, given wrong types
 * or hostile ids and URLs. Linked users' ids appear only in activities that must be refused.
 */
export function* generateFuzzCases(seed: number, count: number, targets: FuzzTargets): Generator<FuzzCase> {
  const random = new SeededRandom(seed);
  const json = { 'content-type': 'application/json' };
  const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024), { level: 9 });
  for (let index = 0; index < count; index += 1) {
    const roll = random.int(100);
    if (roll < 4) {
      const bytes = Buffer.from(Array.from({ length: random.int(512) }, () => random.int(256)));
      yield { index, kind: 'randomBytes', headers: json, body: bytes };
    } else if (roll < 8) {
      const text = JSON.stringify(activity(random, targets));
      yield {
        index,
        kind: 'truncatedJson',
        headers: json,
        body: Buffer.from(text.slice(0, random.int(text.length))),
      };
    } else if (roll < 10) {
      const root = random.pick(['[]', '"message"', '42', 'null', 'true', '[{"type":"message"}]']);
      yield { index, kind: 'jsonRoot', headers: json, body: Buffer.from(root) };
    } else if (roll < 15) {
      const type = random.pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=b',
        'text/csv',
        'application/json; charset=latin1',
        'application/jsonp',
        'APPLICATION/JSON; charset="utf-16"',
      ]);
      yield {
        index,
        kind: 'contentType',
        headers: { 'content-type': type },
        body: Buffer.from(JSON.stringify(activity(random, targets))),
      };
    } else if (roll < 20) {
      const encoding = random.pick([
        'gzip',
        'deflate',
        'br',
        'x-gzip',
        'gzip, identity',
        'compress',
        'garbage',
      ]);
      const body = random.chance(0.1)
        ? bomb
        : random.chance(0.5)
          ? gzipSync(Buffer.from(JSON.stringify(activity(random, targets))))
          : Buffer.from(Array.from({ length: 18 }, () => random.int(256)));
      yield { index, kind: 'contentEncoding', headers: { ...json, 'content-encoding': encoding }, body };
    } else if (roll < 21 && index % 20 === 0) {
      yield {
        index,
        kind: 'huge',
        headers: json,
        body: Buffer.alloc(1024 * 1024 + 1 + random.int(64 * 1024), 0x20),
      };
    } else if (roll < 24) {
      const depth = 33 + random.int(5_000);
      const body = random.chance(0.5)
        ? `${'['.repeat(depth)}${']'.repeat(depth)}`
        : `{"type":"message","value":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
      yield { index, kind: 'deeplyNested', headers: json, body: Buffer.from(body) };
    } else if (roll < 30) {
      yield {
        index,
        kind: 'protectedIds',
        headers: json,
        body: Buffer.from(JSON.stringify(protectedCase(random, targets))),
      };
    } else if (roll < 45) {
      yield {
        index,
        kind: 'invoke',
        headers: json,
        body: Buffer.from(JSON.stringify(invoke(random, targets))),
      };
    } else {
      yield {
        index,
        kind: 'mutatedActivity',
        headers: json,
        body: Buffer.from(JSON.stringify(mutate(random, activity(random, targets)))),
      };
    }
  }
}

/** A Teams-shaped activity from a random person in a random conversation (never a linked user's). */
function activity(random: SeededRandom, targets: FuzzTargets): Record<string, unknown> {
  const isChannel = random.chance(0.4);
  const teamId = `19:${random.guid()}@thread.tacv2`;
  const conversationId = isChannel ? teamId : `a:${random.guid()}`;
  const type = random.pick([
    'message',
    'message',
    'installationUpdate',
    'conversationUpdate',
    'event',
    'typing',
    'messageReaction',
  ]);
  const base: Record<string, unknown> = {
    type,
    id: random.guid(),
    channelId: 'msteams',
    serviceUrl: random.chance(0.95) ? targets.serviceUrl : 'http://127.0.0.1:9/',
    timestamp: new Date(1_700_000_000_000 + random.int(1e9)).toISOString(),
    from: { id: `29:${random.guid()}`, aadObjectId: random.guid(), name: random.string(20) },
    recipient: { id: '28:bot', name: 'Drift' },
    conversation: {
      id: conversationId,
      conversationType: isChannel ? 'channel' : 'personal',
      // Mostly other tenants: each has its own Teams budget, so replies to accepted cases do not queue behind each other.
      tenantId: random.chance(0.2) ? targets.tenantId : random.guid(),
    },
    channelData: isChannel
      ? {
          tenant: { id: targets.tenantId },
          team: { id: teamId, name: random.string(10) },
          channel: { id: teamId },
        }
      : { tenant: { id: targets.tenantId } },
  };
  if (type === 'message') base.text = random.pick(TEXTS);
  if (type === 'installationUpdate') base.action = random.pick(['add', 'add-upgrade', 'remove', 'weird']);
  if (type === 'conversationUpdate') {
    const member = random.chance(0.5)
      ? { id: '28:bot' }
      : { id: `29:${random.guid()}`, aadObjectId: random.guid() };
    base[random.chance(0.5) ? 'membersAdded' : 'membersRemoved'] = [member];
  }
  if (type === 'message' && random.chance(0.2))
    base.value = {
      verb: random.pick(CARD_VERBS),
      episodeId: random.string(40),
      replyText: random.string(600),
    };
  return base;
}

/** Up to three mutations: a field removed, replaced by a wrong type, or given a hostile id or URL. */
function mutate(random: SeededRandom, activity: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = JSON.parse(JSON.stringify(activity)) as Record<string, unknown>;
  const paths = [
    ['type'],
    ['serviceUrl'],
    ['channelId'],
    ['conversation'],
    ['conversation', 'id'],
    ['conversation', 'conversationType'],
    ['conversation', 'tenantId'],
    ['from'],
    ['from', 'id'],
    ['from', 'aadObjectId'],
    ['recipient'],
    ['recipient', 'id'],
    ['channelData'],
    ['channelData', 'team', 'id'],
    ['channelData', 'channel', 'id'],
    ['text'],
    ['value'],
    ['replyToId'],
    ['membersAdded'],
    ['membersRemoved'],
    ['name'],
    ['action'],
    ['timestamp'],
  ];
  for (let n = 1 + random.int(3); n > 0; n -= 1) {
    const path = random.pick(paths);
    const choice = random.int(4);
    const value =
      choice === 0
        ? undefined
        : choice === 1
          ? random.pick(WRONG_VALUES)
          : path.includes('serviceUrl')
            ? random.pick(HOSTILE_URLS)
            : random.chance(0.5)
              ? random.pick(HOSTILE_IDS)
              : random.string(60);
    setPath(result, path, value);
  }
  return result;
}

/** A card action invoke: real-looking or hostile verbs, episode ids and inputs, from anywhere. */
function invoke(random: SeededRandom, targets: FuzzTargets): Record<string, unknown> {
  const base = activity(random, targets);
  const episodeId =
    random.chance(0.3) && targets.episodeIds?.length
      ? random.pick(targets.episodeIds)
      : random.chance(0.5)
        ? random.pick(HOSTILE_IDS)
        : `agent-${random.int(50)}:${1_700_000_000_000 + random.int(1e9)}`;
  const data: Record<string, unknown> = {
    episodeId,
    verb: random.pick(CARD_VERBS),
    snoozeMinutes: random.pick(['15', '30', '60', '-5', '1e9', 'abc', 15]),
    replyReason: random.pick(['systemIssue', 'other', 'napping', '', 42]),
    replyText: random.chance(0.5)
      ? random.string(700)
      : '[x](https://evil.example) {{DATE(2030-01-01T00:00:00Z)}}',
  };
  const action: Record<string, unknown> = {
    type: random.chance(0.9) ? 'Action.Execute' : random.pick(['Action.Submit', 'x', 3]),
    verb: random.pick(CARD_VERBS),
    data: random.chance(0.9) ? data : random.pick(WRONG_VALUES),
  };
  const invoked: Record<string, unknown> = {
    ...base,
    type: 'invoke',
    name: random.chance(0.85)
      ? 'adaptiveCard/action'
      : random.pick(['task/fetch', 'composeExtension/query', 'signin/verifyState', '']),
    replyToId: random.chance(0.8) ? `${1_000 + random.int(1_000)}` : random.pick(HOSTILE_IDS),
    value: random.chance(0.9)
      ? { action, trigger: random.pick(['manual', 'automatic']) }
      : random.pick(WRONG_VALUES),
  };
  delete invoked.text;
  return random.chance(0.3) ? mutate(random, invoked) : invoked;
}

/** Activities naming a linked user or her chat, each broken in a way that must be refused before anything is stored. */
function protectedCase(random: SeededRandom, targets: FuzzTargets): Record<string, unknown> {
  const victim = random.pick(targets.protectedObjectIds);
  const chat = random.pick(targets.protectedConversationIds);
  const base = activity(random, targets);
  base.from = { id: `29:${random.guid()}`, aadObjectId: victim };
  base.conversation = { id: chat, conversationType: 'personal', tenantId: targets.tenantId };
  switch (random.int(6)) {
    case 0:
      delete base.conversation;
      delete base.serviceUrl;
      break;
    case 1:
      base.conversation = { id: '', conversationType: 'personal' };
      break;
    case 2:
      base.serviceUrl = random.pick(HOSTILE_URLS);
      break;
    case 3:
      (base.conversation as Record<string, unknown>).conversationType = random.pick([undefined, 'group', 7]);
      break;
    case 4:
      base.from = { id: '', aadObjectId: victim };
      break;
    default:
      base.type = random.pick([undefined, 5, null, ['message']]);
  }
  return base;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) return;
    node = next as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}
