import assert from 'node:assert/strict';
import { runWithLibraryConsole } from '../../../../bot/teams/library-console';
import { RateLimitedLog } from '../../../../bot/teams/rate-limited-log';
import { ManualClock } from '../../../support/manual-clock';
import { RecordingLogger } from '../../../support/recording-logger';

describe('botbuilder output goes through our log', () => {
  it('hands console output of work run inside it to the sink (first line only), and leaves other output alone', async () => {
    const received: string[] = [];
    const printed: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    // Stands in for the terminal: what reaches stderr.
    process.stderr.write = (chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    };
    try {
      await runWithLibraryConsole(
        (level, message) => received.push(`${level} ${message}`),
        async () => {
          await Promise.resolve();
          console.error(
            new Error('Failed to load openID config: 500\n    at fetch (lib/openIdMetadata.js:83)'),
          );
          console.warn('BadRequest: Missing activity or activity type.');
        },
      );
      console.error('outside');
    } finally {
      process.stderr.write = write;
    }
    assert.deepEqual(received, [
      'error Error: Failed to load openID config: 500',
      'warn BadRequest: Missing activity or activity type.',
    ]);
    assert.deepEqual(printed, ['outside\n']);
  });

  it('logs each kind of problem at most once a minute and says how many it held back', () => {
    const logger = new RecordingLogger();
    const clock = new ManualClock();
    const log = new RateLimitedLog(logger, clock);
    for (let i = 0; i < 100; i += 1) log.warn('unauthorized', { i }, 'request refused');
    log.error('other', {}, 'another problem');
    clock.advanceBy(60_000);
    log.warn('unauthorized', { i: 100 }, 'request refused');
    assert.deepEqual(
      logger.entries.map((entry) => [entry.level, entry.msg, entry.fields]),
      [
        ['warn', 'request refused', { i: 0 }],
        ['error', 'another problem', {}],
        ['warn', 'request refused', { i: 100, suppressed: 99 }],
      ],
    );
  });
});
