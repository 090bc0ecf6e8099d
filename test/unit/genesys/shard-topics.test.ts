import assert from 'node:assert/strict';
import { shardTopics } from '../../../src/genesys/shard-topics';

describe('shardTopics', () => {
  it('splits 2,500 topics into channels of at most 1,000 keeping every topic once', () => {
    const topics = Array.from({ length: 2500 }, (_, i) => `v2.users.u${i}.workforcemanagement.adherence`);
    const shards = shardTopics(topics, 1000);
    assert.deepEqual(
      shards.map((s) => s.length),
      [1000, 1000, 500],
    );
    assert.deepEqual(shards.flat(), topics);
  });

  it('keeps a small list on one channel', () => {
    assert.deepEqual(shardTopics(['a', 'b'], 1000), [['a', 'b']]);
  });
});
