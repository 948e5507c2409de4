/**
 * The recorder's reading of the wire: which session stream a browser's tabs follow, by which
 * the checker tells a gap in that stream from a push of another.
 */
import { describe, expect, it } from 'vitest';
import { History } from './history';
import { SocketPair } from './network';
import { Recorder } from './recorder';
import { Context, Scheduler } from './scheduler';

describe('Recorder', () => {
  it('follows the session a resync answer starts: the frames after it are of that stream', () => {
    const sim = new Scheduler(1, []);
    const history = new History();
    const recorder = new Recorder(sim, history);
    const pair = new SocketPair(
      sim,
      'b1',
      'ws://sim.test/ws',
      new Context('w'),
      recorder,
      'websocket',
    );
    recorder.browserSent(
      pair,
      JSON.stringify({ $ts: 'resume', nonce: 'n', session: 'old', seq: 0 }),
    );
    recorder.serverSent(
      pair,
      JSON.stringify({ $ts: 'resync', nonce: 'n', seq: 0, session: 'new' }),
    );
    expect(history.currentSession.get('b1')).toBe('new');
  });
});
