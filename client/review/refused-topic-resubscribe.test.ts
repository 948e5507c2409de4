/**
 * Review of issue 20: a refusal is never silent, and the worker holds for a tab the union
 * of its handles' listeners. A topic refused past `maxTopics` stays in the tab's record of
 * what it told the worker. Room is made (another tab leaves); the refused topic's listener
 * is then removed and added again in one task (a component rendering again): the diff of
 * that task is empty, so the worker never hears it: the topic is neither subscribed nor
 * refused again.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { HELLO, resumed } from '../../worker/test-support/connection-harness';
import { makeWorld, type World } from './review-harness';

let world: World;
beforeEach(() => {
  world = makeWorld();
});
afterEach(() => world.end());

/** Lets the ports run: what the worker would write has been written. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise((done) => setTimeout(done, 0));
}

it('a topic refused past maxTopics, subscribed again in one task once there is room, is subscribed (or refused again)', async () => {
  const first = world.tab({ limits: { maxTopics: 1 } });
  const second = world.tab({ limits: { maxTopics: 1 } });
  first.subscribe('a', () => {});
  await vi.waitFor(() => expect(world.sockets).toHaveLength(1));
  world.latest().accept();
  world.latest().receive(HELLO);
  world.latest().receive(resumed(0));
  await vi.waitFor(() => expect(second.state).toBe('open'));
  await vi.waitFor(() => expect(world.lastSub()).toEqual(['a']));
  const errors: string[] = [];
  second.on('error', (error) => errors.push(error.code));
  const unsubscribe = second.subscribe('b', () => {});
  await vi.waitFor(() => expect(errors).toEqual(['TS_ERR_TOO_LARGE']));

  // The first tab leaves: 'b' fits now.
  await first.release();
  await settle();
  unsubscribe();
  second.subscribe('b', () => {});
  await settle();
  expect(world.lastSub()).toEqual(['b']);
});
