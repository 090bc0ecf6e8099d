/** Splits `topics` into groups of at most `maxPerChannel` (Genesys: 1,000 topics per channel); pure. */
export function shardTopics(topics: readonly string[], maxPerChannel: number): string[][] {
  const shards: string[][] = [];
  for (let i = 0; i < topics.length; i += maxPerChannel) shards.push(topics.slice(i, i + maxPerChannel));
  return shards;
}
