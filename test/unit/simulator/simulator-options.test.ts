import assert from 'node:assert/strict';
import { readSimulatorCliOptions } from '../../../src/simulator/simulator-options';

describe('readSimulatorCliOptions', () => {
  it('reads a total number of agents from --agents or SIM_AGENTS, the flag winning', () => {
    assert.equal(readSimulatorCliOptions(['--agents=50000'], {}).agents, 50_000);
    assert.equal(readSimulatorCliOptions([], { SIM_AGENTS: '5000' }).agents, 5_000);
    assert.equal(readSimulatorCliOptions(['--agents=7'], { SIM_AGENTS: '5000' }).agents, 7);
  });

  it('names --agents when it is not a positive number', () => {
    assert.throws(() => readSimulatorCliOptions(['--agents=none'], {}), /--agents \/ SIM_AGENTS/);
  });
});
