/**
 * Review (issue 19), invariant 2: resolved means the server's app got it exactly once.
 *
 * tab-b's hub (a relaying peer) dies with its send 'once' written by the owner as S1:2,
 * not acked. The owner keeps that send for the dead peer; the server lost S1 and the
 * owner renumbers 'once' as S2:1. tab-b posts 'once' again to its fresh hub under the id
 * it was told (S1:2), as PendingSends does: the server gets 'once' twice in S2, under
 * two ids, and passes both on.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed, resumeFrameOf, resyncOnto } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const msg = (id: number, text: string) => JSON.stringify({ $ts: 'msg', id, text });
const ack = (id: number) => JSON.stringify({ $ts: 'ack', id });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

it('a send of a relaying hub that died is written once in the new session, though its tab posts it again', async () => {
  const name = 'review-dead-peer-send';
  const a = world.startHub('build-a');
  const b = world.startHub('build-b');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  await tabA.api.open(
    'tab-a',
    relayOptions(name, { reconnect: { minDelay: 10, maxDelay: 10, jitter: 0 } }),
  );
  tabA.api.setInterest('tab-a', name, ALL);
  await tabB.api.open(
    'tab-b',
    relayOptions(name, { reconnect: { minDelay: 10, maxDelay: 10, jitter: 0 } }),
  );
  tabB.api.setInterest('tab-b', name, ALL);
  const first = world.latest();
  first.accept();
  first.receive(HELLO);
  const s1 = resumeFrameOf(first).session;
  first.receive(resumed(0));
  await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));

  void tabA.api.send('tab-a', name, 'a0');
  await vi.waitFor(() => expect(first.sent).toContain(msg(1, 'a0')));
  void tabB.api.send('tab-b', name, 'once', { id: 7 });
  await vi.waitFor(() => expect(first.sent).toContain(msg(2, 'once')));
  const told = tabB.events.filter((event) => event.kind === 'written');
  await vi.waitFor(() => expect(told).toHaveLength(1));
  expect(told[0]).toMatchObject({ id: 7, wire: { session: s1, id: 2 } });
  first.receive(ack(1));

  // tab-b's hub dies; the socket drops before the server read 'once'; the server lost S1.
  b.kill();
  first.drop();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const second = world.latest();
  second.accept();
  second.receive(HELLO);
  second.receive(resyncOnto('session-two-0123456'));

  // tab-b's fresh hub: the tab opens from its cursor and posts its pending send again.
  const c = world.startHub('build-b');
  const tabB2 = await world.attachTab(c.hub, 'tab-b-again');
  const opened = tabB2.api.open('tab-b-again', relayOptions(name), {
    session: s1,
    seq: 0,
    nextId: 65,
  });
  const again = tabB2.api.send('tab-b-again', name, 'once', {
    id: 7,
    wire: { session: s1, id: 2 },
  });
  await opened;
  await vi.waitFor(() =>
    expect(second.sent.filter((frame) => String(frame).includes('"once"')).length).toBeGreaterThan(
      0,
    ),
  );
  await new Promise((r) => setTimeout(r, 50));
  for (const frame of second.sent) {
    const parsed = JSON.parse(String(frame)) as { $ts: string; id?: number };
    if (parsed.$ts === 'msg' && parsed.id !== undefined) second.receive(ack(parsed.id));
  }
  await expect(again).resolves.toEqual({ ok: true, value: undefined });
  // The server passes each id of S2 on once: 'once' reached the app as often as it has ids.
  const ids = new Set(
    second.sent
      .map((frame) => JSON.parse(String(frame)) as { $ts: string; id?: number; text?: string })
      .filter((frame) => frame.$ts === 'msg' && frame.text === 'once')
      .map((frame) => frame.id),
  );
  expect([...ids]).toHaveLength(1);
});
