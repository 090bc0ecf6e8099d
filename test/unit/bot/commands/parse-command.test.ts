import assert from 'node:assert/strict';
import { parseCommand, stripMentions } from '../../../../bot/commands/parse-command';
import { startOfLocalDay } from '../../../../bot/commands/my-adherence-command';

describe('parseCommand', () => {
  it('strips the bot mention and markup before reading the command', () => {
    assert.equal(stripMentions('<at>Drift Bot</at>&nbsp;watch <b>North</b>\n'), 'watch North');
    assert.deepEqual(parseCommand('<at>Drift</at> WATCH   Blue Team'), {
      type: 'watch',
      target: 'Blue Team',
    });
  });

  it('reads every command and sends anything else to help', () => {
    assert.deepEqual(parseCommand('unwatch all'), { type: 'unwatch', target: 'all' });
    assert.deepEqual(parseCommand('Status'), { type: 'status' });
    assert.deepEqual(parseCommand('report'), { type: 'report' });
    assert.deepEqual(parseCommand('<at>Drift</at> Report  Agents'), { type: 'reportAgents' });
    assert.deepEqual(parseCommand('digest'), { type: 'digest' });
    assert.deepEqual(parseCommand('My Adherence'), { type: 'myAdherence' });
    assert.deepEqual(parseCommand('help'), { type: 'help' });
    assert.deepEqual(parseCommand('watch'), { type: 'help' });
    assert.deepEqual(parseCommand('hello there'), { type: 'unknown', text: 'hello there' });
  });
});

describe('startOfLocalDay', () => {
  it("finds midnight of the unit's day in its time zone", () => {
    const now = Date.UTC(2026, 7, 20, 0, 30, 0); // 01:30 in Dublin (IST, UTC+1)
    assert.equal(startOfLocalDay(now, 'Europe/Dublin'), Date.UTC(2026, 7, 19, 23, 0, 0));
    assert.equal(startOfLocalDay(now, undefined), Date.UTC(2026, 7, 20, 0, 0, 0));
    assert.equal(startOfLocalDay(now, 'Not/AZone'), Date.UTC(2026, 7, 20, 0, 0, 0));
  });
});
