/**
 * Review (issue 19), invariant 2: a send resolved means the server's app got it exactly
 * once. A tab re-posts a send (its worker died) with the message id it was written under in
 * session S1; the server lost S1 meanwhile and the owner numbers session S2. The relaying
 * hub passes the owner only the bare number, so the owner writes it under S2's id 1, which
 * S2 already gave another message: the server passes that id on once, and drops this one.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumeFrameOf, resyncOnto } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const msg = (id: number, text: string) => JSON.stringify({ $ts: 'msg', id, text });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** The message ids each text was written under on `socket`. */
function idsOf(socket: { sent: unknown[] }): Map<number, Set<string>> {
  const ids = new Map<number, Set<string>>();
  for (const frame of socket.sent) {
    const parsed = JSON.parse(String(frame)) as { $ts: string; id?: number; text?: string };
    if (parsed.$ts !== 'msg' || parsed.id === undefined) continue;
    const texts = ids.get(parsed.id) ?? new Set<string>();
    texts.add(String(parsed.text));
    ids.set(parsed.id, texts);
  }
  return ids;
}

it('a relayed re-post under an id of a session the server lost is not written under the new session’s taken id', async () => {
  const name = 'review-stale-wire';
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', relayOptions(name));
  tabA.api.setInterest('tab-a', name, ALL);
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  // The server lost the session the owner resumed: the stream goes on as S2.
  expect(resumeFrameOf(socket).$ts).toBe('resume');
  socket.receive(resyncOnto('session-two-0123456'));
  await vi.waitFor(() => expect(tabA.states()).toContain('open:open'));
  // The owner's tab takes S2's id 1.
  void tabA.api.send('tab-a', name, 'mine');
  await vi.waitFor(() => expect(socket.sent).toContain(msg(1, 'mine')));

  // A tab whose relaying hub died re-posts to its fresh hub the send that hub's owner had
  // written as S1:1 (that owner died too, the socket with it, before the server read it).
  const c = world.startHub('build-c');
  const tabC = await world.attachTab(c.hub, 'tab-c');
  const cursor = { session: 'session-one-lost-01', seq: 3, nextId: 65 };
  const opened = tabC.api.open('tab-c', relayOptions(name), cursor);
  const again = tabC.api.send('tab-c', name, 'theirs', {
    id: 4,
    wire: { session: 'session-one-lost-01', id: 1 },
  });
  await opened;
  await vi.waitFor(() =>
    expect(socket.sent.some((frame) => String(frame).includes('"theirs"'))).toBe(true),
  );
  // Each id of S2 names one message: else the server passes one of them on, never the other.
  const twice = [...idsOf(socket)].filter(([, texts]) => texts.size > 1);
  expect(twice).toEqual([]);
  // The server acks id 1 (it had it: 'mine'); 'theirs' must not settle as sent on that.
  socket.receive(JSON.stringify({ $ts: 'ack', id: 1 }));
  const settled = await Promise.race([
    again,
    new Promise((r) => setTimeout(() => r('pending'), 50)),
  ]);
  expect(settled).toBe('pending');
});
