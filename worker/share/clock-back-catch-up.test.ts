/**
 * 25b (review 24j's family): after the wall clock stepped back, a tab that opened without a
 * cursor before the step hears the pushes heard since, also as the clock comes back within
 * `before`'s slack (100 ms) of its open's reading, where its `since` reads as a date of this
 * side of the step again: the first push it heard after the step stands for its open
 * (`TabRegistry.deliver`). Dates are the clock's readings (no monotonic date: review 24j).
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  vi.restoreAllMocks();
  world.dispose();
  world = hubWorld();
});

it('delivers to a tab opened before a step back the pushes heard as the clock comes back to its open', async () => {
  const name = 'clock-back-catch-up';
  const { hub } = world.startHub('build-a');
  const tab = await world.attachTab(hub, 'cursorless');
  const openedAt = Date.now();
  await tab.api.open('cursorless', relayOptions(name), undefined, undefined, 'login', openedAt);
  tab.api.setInterest('cursorless', name, ALL);
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumed(0));
  await vi.waitFor(() => expect(tab.states().at(-1)).toMatch(/^open:/));
  socket.receive(push(1));
  await vi.waitFor(() => expect(tab.frames()).toHaveLength(1));
  // The clock steps back a second, then comes back to 60 ms before the open's reading.
  const spy = vi.spyOn(Date, 'now').mockReturnValue(openedAt - 1000);
  socket.receive(push(2));
  spy.mockReturnValue(openedAt - 60);
  socket.receive(push(3));
  spy.mockReturnValue(openedAt + 10);
  socket.receive(push(4));
  await vi.waitFor(() => expect(tab.frames().some((frame) => frame.seq === 4)).toBe(true));
  expect(tab.events.some((event) => event.kind === 'resync')).toBe(false);
  expect(tab.frames().map((frame) => frame.seq)).toEqual([1, 2, 3, 4]);
});
