/**
 * The checker on histories written by hand: each invariant fires on the history that breaks
 * it and stays quiet on the one next to it that does not. A checker that never fires would
 * let every seed pass.
 */
import { describe, expect, it } from 'vitest';
import { check, DEFAULT_CHECK } from './checker';
import { type HandleEvent, History, type Receipt } from './history';

/** Pushes 1…count to alice, topic a, each in session S of browser b1 under its own number. */
function historyWith(count: number): History {
  const history = new History();
  history.sessionBrowser.set('S', 'b1');
  history.sessionFirstSeen.set('S', 0);
  for (let id = 1; id <= count; id += 1) {
    history.pushes.set(id, {
      id,
      user: 'alice',
      topic: 'a',
      at: id * 10,
      streams: new Map([['S', id]]),
      appendedAt: new Map([['b1', id * 10]]),
    });
  }
  return history;
}

function handle(history: History, events: HandleEvent[], interest = 'all'): void {
  history.handles.set(1, {
    id: 1,
    lineage: 'h1',
    browser: 'b1',
    user: 'alice',
    login: 1,
    interest,
    openedAt: 0,
    events,
    pageAlive: () => true,
  });
}

const frame = (push: number, at = push * 10 + 1): HandleEvent => ({
  at,
  kind: 'frame',
  push,
  session: 'S',
});

/** Receipts at the given times, the `n`th list after `n` losses of the server's sessions. */
function receipts(...afterLosses: number[][]): Receipt[] {
  return afterLosses.flatMap((times, stateLosses) => times.map((at) => ({ at, stateLosses })));
}

function sendTo(
  history: History,
  id: number,
  ok: boolean,
  received: Receipt[],
  error?: string,
): void {
  history.sends.set(id, {
    id,
    handle: 1,
    browser: 'b1',
    at: 0,
    outcome: { at: 5, ok, ...(error ? { error } : {}) },
    received,
    pageAlive: () => true,
  });
}

const invariants = (history: History) => check(history).map((found) => found.invariant);

describe('the checker', () => {
  it('passes a stream heard whole, and one with a resync before its gap', () => {
    const whole = historyWith(3);
    handle(whole, [frame(1), frame(2), frame(3)]);
    expect(invariants(whole)).toEqual([]);
    const resynced = historyWith(3);
    handle(resynced, [frame(1), { at: 25, kind: 'resync' }, frame(3)]);
    resynced.serverResyncs.set('b1', [24]);
    expect(invariants(resynced)).toEqual([]);
  });

  it('finds a gap, a duplicate, a push out of order and one for another user', () => {
    const gap = historyWith(3);
    handle(gap, [frame(1), frame(3)]);
    expect(invariants(gap)).toEqual(['gap without resync']);
    const twice = historyWith(2);
    handle(twice, [frame(1), frame(2), frame(2, 40)]);
    expect(invariants(twice)).toEqual(['duplicate']);
    const swapped = historyWith(2);
    handle(swapped, [frame(2), frame(1, 30)]);
    expect(invariants(swapped)).toEqual(['order']);
    const foreign = historyWith(1);
    handle(foreign, [frame(1)], 'b');
    expect(invariants(foreign)).toEqual(['foreign push']);
  });

  it('takes a handle that comes back after a logout for one of the next login, owed nothing before it', () => {
    const relogin = () => {
      const history = historyWith(3);
      // p3 went only into S2, the next login's session, started after the logout at 25.
      history.sessionBrowser.set('S2', 'b1');
      history.sessionFirstSeen.set('S2', 28);
      const third = history.pushes.get(3);
      if (third) third.streams = new Map([['S2', 1]]);
      history.logouts.push({ browser: 'b1', user: 'alice', login: 1, at: 25 });
      return history;
    };
    const heardThird: HandleEvent = { at: 31, kind: 'frame', push: 3, session: 'S2' };
    const across = relogin();
    handle(across, [frame(1), heardThird]);
    expect(invariants(across)).toEqual(['gap without resync']);
    const closed = relogin();
    handle(closed, [
      frame(1),
      { at: 22, kind: 'state', state: 'closed', reason: 'logout' },
      heardThird,
    ]);
    expect(invariants(closed)).toEqual([]);
  });

  it('finds a push missed after a resync, and a resync the server did not ask for', () => {
    const afterResync = historyWith(3);
    handle(afterResync, [frame(1), { at: 15, kind: 'resync' }, frame(3)]);
    afterResync.serverResyncs.set('b1', [15]);
    expect(invariants(afterResync)).toEqual(['gap after resync']);
    const spurious = historyWith(2);
    handle(spurious, [frame(1), { at: 15, kind: 'resync' }, frame(2)]);
    expect(invariants(spurious)).toEqual(['spurious resync']);
  });

  it('owes a topic handle, not one on every frame, the resync of a lost session the server told just before it opened', () => {
    for (const [interest, found] of [
      ['a', []],
      ['all', ['spurious resync']],
    ] as const) {
      const history = historyWith(0);
      handle(history, [{ at: 15, kind: 'resync' }], interest);
      history.serverResyncs.set('b1', [-1]);
      expect(invariants(history)).toEqual(found);
    }
  });

  it('holds sends to once if resolved, never if rejected, unconfirmed as unknown, and WorkerError as the switch says', () => {
    const history = historyWith(0);
    const send = (id: number, ok: boolean, received: number[], error?: string) =>
      sendTo(history, id, ok, receipts(received), error);
    send(1, true, [3]);
    send(2, false, [], 'TS_ERR_CLOSED');
    send(3, false, [3], 'WorkerError');
    send(7, false, [3], 'TS_ERR_UNCONFIRMED');
    expect(check(history, { ...DEFAULT_CHECK, workerErrorSends: 'unknown' })).toEqual([]);
    expect(invariants(history)).toEqual(['rejected send written']);
    history.sends.delete(3);
    send(4, true, []);
    send(5, false, [3], 'TS_ERR_CLOSED');
    send(6, true, [3, 4]);
    expect(invariants(history)).toEqual([
      'resolved send lost',
      'rejected send written',
      'send written twice',
    ]);
  });

  it('allows a send twice only when the server lost its sessions between the two receipts', () => {
    const history = historyWith(0);
    // Received at 3, the sessions lost at 4, received again (the resend) at 9.
    history.stateLosses.push({ at: 4, task: 4, cause: 'server restart' });
    sendTo(history, 1, true, receipts([3], [9]));
    expect(invariants(history)).toEqual([]);
    // Both receipts after the loss: the server had the dedupe the second time.
    sendTo(history, 2, true, receipts([], [5, 9]));
    expect(invariants(history)).toEqual(['send written twice']);
    history.sends.delete(2);
    // A third receipt needs a loss of its own.
    sendTo(history, 3, true, receipts([3], [5, 9]));
    expect(invariants(history)).toEqual(['send written twice']);
    history.sends.delete(3);
    history.stateLosses.push({ at: 6, task: 6, cause: 'redis restart' });
    sendTo(history, 4, true, receipts([3], [5], [9]));
    expect(invariants(history)).toEqual([]);
  });

  it('finds two sockets held longer than the bound, and a push heard after logout', () => {
    const sockets = historyWith(0);
    sockets.serverSockets.opened('b1', 0);
    sockets.serverSockets.opened('b1', 10);
    sockets.serverSockets.closed('b1', 100);
    expect(invariants(sockets)).toEqual([]);
    sockets.browserSockets.opened('b1', 200);
    sockets.browserSockets.opened('b1', 201);
    sockets.browserSockets.closed('b1', 202);
    expect(invariants(sockets)).toEqual(['two sockets']);
    const logout = historyWith(2);
    handle(logout, [frame(1), frame(2)]);
    logout.logouts.push({ browser: 'b1', user: 'alice', login: 1, at: 15 });
    expect(invariants(logout)).toEqual(['push after logout']);
  });
});
