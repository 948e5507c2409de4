/**
 * `lostInSilence` on histories written by hand: it reports a push a handle never heard
 * before a later push of the stream with no resync between, and compares pushes by their
 * number in the stream, not by when the handle heard them (review 21h).
 */
import { expect, it } from 'vitest';
import { type HandleEvent, History } from './history';
import { lostInSilence } from './lost-in-silence';

/** Pushes 1…count to alice in session S, each under its own number, made 10 ms apart. */
function historyWith(count: number, events: HandleEvent[]): History {
  const history = new History();
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
  history.handles.set(1, {
    id: 1,
    lineage: 'h1',
    browser: 'b1',
    user: 'alice',
    login: 1,
    interest: 'all',
    openedAt: 0,
    events,
    pageAlive: () => true,
  });
  return history;
}

const frame = (push: number, at: number): HandleEvent => ({
  at,
  kind: 'frame',
  push,
  session: 'S',
});

it('reports a push the handle never heard before a later one, with no resync', () => {
  const history = historyWith(3, [frame(1, 11), frame(3, 31)]);
  expect(lostInSilence(history)).toEqual(['h1 never heard p2, and no resync']);
});

it('takes a resync before the later push for the lost one', () => {
  const history = historyWith(3, [frame(1, 11), { at: 30, kind: 'resync' }, frame(3, 31)]);
  expect(lostInSilence(history)).toEqual([]);
});

it('does not take an earlier push heard late for a later one', () => {
  // p2 is made at 20; the handle hears p1 late, at 25, then the resync, then p3.
  const history = historyWith(3, [frame(1, 25), { at: 28, kind: 'resync' }, frame(3, 31)]);
  expect(lostInSilence(history)).toEqual([]);
});
