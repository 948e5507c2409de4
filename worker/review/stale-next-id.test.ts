/**
 * Review (issue 19), invariant 2: resolved means the server's app got it exactly once.
 *
 * A page keeps its cursor across a reload (sessionStorage). While it reloads, another tab of
 * the session sends 70 messages (ids 1..70, acked); then that tab closes and the worker ends
 * with its last page (Firefox, Safari), or crashes. The reloaded page starts a fresh worker,
 * which resumes the session from the page's cursor, whose `nextId` (65) is below ids the
 * server passed on already: the page's next send is written as id 65, which the server
 * drops as a message it had, and acks.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

it('a fresh worker resumed from a reloaded page’s cursor numbers its sends above the ids the session used meanwhile', async () => {
  const name = 'review-stale-next-id';
  const options = relayOptions(name);
  const w1 = world.startHub('build-a');
  const tab1 = await world.attachTab(w1.hub, 'tab-1');
  const tab2 = await world.attachTab(w1.hub, 'tab-2');
  await tab1.api.open('tab-1', options);
  tab1.api.setInterest('tab-1', name, ALL);
  await tab2.api.open('tab-2', options);
  tab2.api.setInterest('tab-2', name, ALL);
  const first = world.latest();
  first.accept();
  first.receive(HELLO);
  const { session } = resumeFrameOf(first);
  first.receive(resumed(0));

  // tab-1 reloads: its page keeps the cursor it was told.
  const saved = w1.hub.inspect(name)?.cursor;
  expect(saved).toMatchObject({ session, nextId: 65 });
  w1.hub.leave('tab-1');

  // Meanwhile tab-2 sends 70 messages; the server passes each on and acks it.
  const sent: Array<Promise<unknown>> = [];
  for (let n = 1; n <= 70; n++) sent.push(tab2.api.send('tab-2', name, `m${n}`));
  await vi.waitFor(() =>
    expect(first.sent.filter((f) => String(f).includes('"msg"'))).toHaveLength(70),
  );
  const passedOn = new Set<number>();
  for (const frame of first.sent) {
    const parsed = JSON.parse(String(frame)) as { $ts: string; id?: number };
    if (parsed.$ts === 'msg' && parsed.id !== undefined) {
      passedOn.add(parsed.id);
      first.receive(JSON.stringify({ $ts: 'ack', id: parsed.id }));
    }
  }
  await Promise.all(sent);
  // tab-2 closes; the worker ends with its last page.
  w1.hub.leave('tab-2');
  w1.kill();
  w1.hub.dispose();

  // The reloaded page starts a fresh worker and resumes the session from its cursor.
  const w2 = world.startHub('build-a');
  const tab1Again = await world.attachTab(w2.hub, 'tab-1-reloaded');
  await tab1Again.api.open('tab-1-reloaded', options, saved);
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const second = world.latest();
  second.accept();
  second.receive(HELLO);
  expect(resumeFrameOf(second)).toMatchObject({ session });
  second.receive(resumed(0));
  void tab1Again.api.send('tab-1-reloaded', name, 'after reload');
  await vi.waitFor(() =>
    expect(second.sent.some((f) => String(f).includes('after reload'))).toBe(true),
  );
  const written = second.sent
    .map((f) => JSON.parse(String(f)) as { $ts: string; id?: number; text?: string })
    .find((f) => f.text === 'after reload');
  // An id the server passed on already would be dropped by it as a message it had.
  expect(passedOn.has(written?.id ?? -1)).toBe(false);
});
