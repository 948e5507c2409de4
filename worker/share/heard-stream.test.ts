import { expect, it } from 'vitest';
import type { ConnectionState } from '../../protocol/state';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HeardStream } from './heard-stream';
import type { Missed } from './recent-frames';

const cursorOf = (session: string, extra: Partial<SessionCursor> = {}): SessionCursor => ({
  session,
  seq: 0,
  nextId: 1,
  ...extra,
});

/** A stream whose connection stands at `current` (changed by the test), and what it answered. */
function streamAt(current: SessionCursor) {
  const states: ConnectionState[] = [];
  const heard = new HeardStream('default', {
    post: (_name, event) => {
      if (event.kind === 'state') states.push(event.state);
    },
    postTo: () => {},
    deliver: () => {},
  });
  const connection = { current };
  const answers: Missed[] = [];
  let asks = 0;
  const ask = (cursor: SessionCursor, by = `tab-${++asks}`) =>
    heard.missedBy(
      by,
      cursor,
      () => connection.current,
      (missed) => answers.push(missed),
    );
  const move = (state: ConnectionState) =>
    heard.state({ state, generation: 1, failedAttempts: 0 }, { from: 'idle', reason: 'start' });
  return { connection, answers, ask, move, states };
}

// A hub not open yet may go on with the cursor's session (a rejoin's cursor, `WireLink.learn`):
// a verdict given at once resynced for nothing (sim seeds 604, 611, 615, 616, 617, 619).
it('answers a cursor of another session once the connection opens, with the session it opened on', () => {
  const { connection, answers, ask, move, states } = streamAt(cursorOf('fresh'));
  move('connecting');
  ask(cursorOf('taken', { numbered: true }));
  ask(cursorOf('lost', { numbered: true }));
  move('backoff');
  expect(answers).toEqual([]);
  connection.current = cursorOf('taken');
  move('open');
  // The verdicts go before the tabs hear `open`.
  expect(answers).toEqual([undefined, 'resync']);
  expect(states.at(-1)).toBe('open');
  // Open: answered at once.
  ask(cursorOf('lost', { numbered: true }));
  expect(answers).toEqual([undefined, 'resync', 'resync']);
});

it('answers nothing to a cursor of another session when the login ends before it opens', () => {
  const { answers, ask, move } = streamAt(cursorOf('fresh'));
  move('connecting');
  ask(cursorOf('lost', { numbered: true }));
  move('closed');
  move('connecting');
  move('open');
  expect(answers).toEqual([]);
});

it('answers a cursor of its own session at once, open or not', () => {
  const { answers, ask, move } = streamAt(cursorOf('s', { seq: 3 }));
  move('connecting');
  ask(cursorOf('s', { seq: 3 }));
  expect(answers).toEqual([undefined]);
});

// The verdicts on a join made with a tab's cursor are that tab's; once the socket the hub saw
// open goes down, or the owner changes, a verdict is on a join with the hub's own cursor:
// every tab heard that stream.
it('tells an owed resync once to the tabs owed it till the socket leaves open or the owner changes, then to every tab', () => {
  const told: string[] = [];
  const heard = new HeardStream('default', {
    post: (_name, event) => {
      if (event.kind === 'resync') told.push('every tab');
    },
    postTo: (tabId, event) => {
      if (event.kind === 'resync') told.push(tabId);
    },
    deliver: () => {},
  });
  const status = (state: ConnectionState) => ({ state, generation: 1, failedAttempts: 0 });
  heard.owe('reloaded');
  heard.state(status('open'), { from: 'idle', reason: 'attached' });
  heard.resync('owed');
  // The owner's answer to the hub's second join: the tab was told already (review 6).
  heard.resync('owed');
  heard.state(status('connecting'), { from: 'open', reason: 'close' });
  heard.resync('owed');
  // Nor when the owner changes before it opened: the hub joins the next with its own cursor.
  heard.owe('reloaded-again');
  heard.state(status('connecting'), { from: 'connecting', reason: 'handover' });
  heard.resync('owed');
  expect(told).toEqual(['reloaded', 'every tab', 'every tab']);
});

// Review 18 (sim/review-18-next-login-resync-twice.test.ts): the owner's resync to every tab
// reached a tab owed the verdict on its cursor, and then the verdict: one loss, two resyncs.
it('tells no owed resync to a tab that heard a resync to every tab since it was owed', () => {
  const told: string[] = [];
  const heard = new HeardStream('default', {
    post: (_name, event) => {
      if (event.kind === 'resync') told.push('every tab');
    },
    postTo: (tabId, event) => {
      if (event.kind === 'resync') told.push(tabId);
    },
    deliver: () => {},
  });
  heard.owe('reloaded');
  heard.state(
    { state: 'open', generation: 1, failedAttempts: 0 },
    { from: 'idle', reason: 'attached' },
  );
  heard.resync('past');
  heard.resync('owed');
  expect(told).toEqual(['every tab']);
});
