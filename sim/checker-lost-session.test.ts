/**
 * The checker's exemption `joinedLostSession`: a topic handle opened within 5 s after the
 * server told its browser `resync` owes it (a publish made before the new session heard
 * the topics reached no one). Does it explain more than that one resync?
 */
import { describe, expect, it } from 'vitest';
import { check } from './checker';
import { type HandleEvent, History } from './history';

/** Pushes 1…count to alice, topic a, each in session S of browser b1. */
function historyWith(count: number): History {
  const history = new History();
  history.sessionBrowser.set('S', 'b1');
  history.sessionFirstSeen.set('S', 0);
  for (let id = 1; id <= count; id += 1) {
    history.pushes.set(id, {
      id,
      user: 'alice',
      topic: 'a',
      at: id * 10_000,
      streams: new Map([['S', id]]),
      appendedAt: new Map([['b1', id * 10_000]]),
    });
  }
  return history;
}

function handle(history: History, events: HandleEvent[], interest: string): void {
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

const frame = (push: number): HandleEvent => ({
  at: push * 10_000 + 1,
  kind: 'frame',
  push,
  session: 'S',
});

const invariants = (history: History) => check(history).map((found) => found.invariant);

describe('the checker: a topic handle opened just after a lost session', () => {
  // BUG in the checker (invariant: no resync where nothing was lost): the exemption holds
  // for the lineage's first resync whenever it comes (`since === first.openedAt` only says
  // no resync came before), not for the one the lost session owes, told as the answer came
  // in. A topic handle opened within 5 s after any `resync` the server told its browser
  // may get one spurious resync minutes later, with every push heard, and the searches
  // pass it: a regression that resyncs topic handles for nothing goes unseen there.
  const lateResync = (interest: string) => {
    const history = historyWith(6);
    handle(
      history,
      [frame(1), frame(2), frame(3), frame(4), frame(5), { at: 55_000, kind: 'resync' }, frame(6)],
      interest,
    );
    history.serverResyncs.set('b1', [-1]);
    return invariants(history);
  };

  it('finds that late resync spurious on a handle of every frame (the exemption is the difference)', () => {
    expect(lateResync('all')).toEqual(['spurious resync']);
  });

  it('does not explain a resync that comes a minute later, every push heard', () => {
    expect(lateResync('a')).toEqual(['spurious resync']);
  });

  it('does not hide a push lost after the resync it explains', () => {
    const history = historyWith(3);
    handle(history, [{ at: 15, kind: 'resync' }, frame(1), frame(3)], 'a');
    history.serverResyncs.set('b1', [-1]);
    expect(invariants(history)).toEqual(['gap without resync']);
  });

  it('explains the resync of a topic handle only once: a second with nothing lost is spurious', () => {
    const history = historyWith(2);
    handle(
      history,
      [{ at: 15, kind: 'resync' }, frame(1), { at: 15_000, kind: 'resync' }, frame(2)],
      'a',
    );
    history.serverResyncs.set('b1', [-1]);
    expect(invariants(history)).toEqual(['spurious resync']);
  });

  it('does not explain a topic handle opened more than 5 s after the server told resync', () => {
    const history = historyWith(1);
    handle(history, [{ at: 15, kind: 'resync' }, frame(1)], 'a');
    history.serverResyncs.set('b1', [-5_001]);
    expect(invariants(history)).toEqual(['spurious resync']);
  });
});
