import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../../src/platform/duration';

describe('parseDuration', () => {
  const accepted: [string, number][] = [
    ['PT6M', 360_000],
    ['PT1H30M', 5_400_000],
    ['PT90S', 90_000],
    ['PT0.5S', 500],
    ['PT0,5S', 500],
    ['P1D', 86_400_000],
    ['P1DT2H', 93_600_000],
    ['P1W', 604_800_000],
    ['pt10m', 600_000],
    ['PT1.5M', 90_000],
    ['360', 360_000],
    ['1.5', 1_500],
    [' 60 ', 60_000],
    ['0', 0],
    ['PT0S', 0],
  ];
  for (const [text, ms] of accepted) {
    it(`reads ${JSON.stringify(text)} as ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  }

  const rejected = [
    '',
    ' ',
    '-5',
    '-PT5M',
    'PT-5M',
    'abc',
    '6m',
    'P',
    'PT',
    'P1DT',
    'P1Y',
    'P1M',
    'PT1.5H30M',
    '1e3',
    '5 min',
    'PT5',
    'P1M2D',
    'NaN',
    'Infinity',
    '9'.repeat(400),
  ];
  for (const text of rejected) {
    it(`rejects ${JSON.stringify(text.slice(0, 20))}`, () => assert.equal(parseDuration(text), undefined));
  }
});

describe('formatDuration', () => {
  it('writes short ISO-8601 durations that parse back to the same value', () => {
    for (const ms of [0, 500, 90_000, 360_000, 5_400_000, 86_400_000, 93_600_000, 1_234_567]) {
      assert.equal(parseDuration(formatDuration(ms)), ms);
    }
    assert.equal(formatDuration(600_000), 'PT10M');
    assert.equal(formatDuration(5_400_000), 'PT1H30M');
    assert.equal(formatDuration(86_400_000), 'P1D');
  });
});
