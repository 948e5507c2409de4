/**
 * Review (issue 19), invariant 2, and the "a stream that restarts": a stream
 * restart while a tab reloads. tab-1 reloads (its page keeps cursor S1:5 in sessionStorage);
 * meanwhile the server lost S1 and the stream goes on as S2, where tab-2 sends 'x' (written
 * as S2:1, the server's app has it, not acked yet). The worker then dies. The reloaded page
 * opens first on the fresh worker, with S1:5; tab-2 reattaches with S2 and posts 'x' again
 * under S2:1, as PendingSends does. The fresh worker resumes S1 (gone) rather than S2 (the
 * server still has it): it gets a third session, and 'x' reaches the app a second time.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed, resumeFrameOf, resyncOnto } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

interface Written {
  session: string;
  id: number;
}

it('a send re-posted after a worker death reaches the app once when a reloaded page brings a cursor of the session the server lost', async () => {
  const name = 'review-reload-stale';
  const options = relayOptions(name, { reconnect: { minDelay: 10, maxDelay: 10, jitter: 0 } });
  /** What the server's app got: one (session, id) per message passed on. */
  const passedOn = new Map<string, Written[]>();
  const record = (session: string, frame: unknown) => {
    const parsed = JSON.parse(String(frame)) as { $ts: string; id?: number; text?: string };
    if (parsed.$ts !== 'msg' || parsed.id === undefined) return;
    const list = passedOn.get(String(parsed.text)) ?? [];
    if (!list.some((w) => w.session === session && w.id === parsed.id)) {
      list.push({ session, id: parsed.id });
    }
    passedOn.set(String(parsed.text), list);
  };

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
  const s1 = resumeFrameOf(first).session;
  first.receive(resumed(0));
  for (let seq = 1; seq <= 5; seq++) first.receive(push(seq));
  await vi.waitFor(() => expect(tab1.frames()).toHaveLength(5));
  const saved = w1.hub.inspect(name)?.cursor;
  expect(saved).toMatchObject({ session: s1, seq: 5 });
  // tab-1 reloads: its page is gone for a moment, with S1:5 in sessionStorage.
  w1.hub.leave('tab-1');

  // The server restarts without its sessions: the stream goes on as S2.
  first.drop();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const second = world.latest();
  second.accept();
  second.receive(HELLO);
  second.receive(resyncOnto('session-two-0123456'));
  second.receive(push(1));
  void tab2.api.send('tab-2', name, 'x', { id: 1 });
  await vi.waitFor(() => expect(tab2.events.some((event) => event.kind === 'written')).toBe(true));
  for (const frame of second.sent) record('session-two-0123456', frame);
  expect(passedOn.get('x')).toEqual([{ session: 'session-two-0123456', id: 1 }]);
  const tab2Cursor = w1.hub.inspect(name)?.cursor;

  // The worker dies before the ack. The reloaded page attaches first to the fresh worker.
  w1.kill();
  const w2 = world.startHub('build-a');
  const tab1Again = await world.attachTab(w2.hub, 'tab-1-reloaded');
  const tab2Again = await world.attachTab(w2.hub, 'tab-2-again');
  const opened1 = tab1Again.api.open('tab-1-reloaded', options, saved);
  const opened2 = tab2Again.api.open('tab-2-again', options, tab2Cursor);
  const again = tab2Again.api.send('tab-2-again', name, 'x', {
    id: 1,
    wire: { session: 'session-two-0123456', id: 1 },
  });
  await vi.waitFor(() => expect(world.sockets).toHaveLength(3));
  const third = world.latest();
  third.accept();
  third.receive(HELLO);
  const resume = resumeFrameOf(third);
  // The server: S2 it still has (it resumes it and drops a message id it passed on);
  // any other session is gone, and its stream goes on as a new one.
  const session = resume.session === 'session-two-0123456' ? resume.session : 'session-three-0123';
  third.receive(session === resume.session ? resumed(1) : resyncOnto('session-three-0123'));
  await Promise.all([opened1, opened2]);
  await new Promise((r) => setTimeout(r, 30));
  for (const frame of third.sent) record(session, frame);
  for (const frame of third.sent) {
    const parsed = JSON.parse(String(frame)) as { $ts: string; id?: number };
    if (parsed.$ts === 'msg' && parsed.id !== undefined) {
      third.receive(JSON.stringify({ $ts: 'ack', id: parsed.id }));
    }
  }
  await expect(again).resolves.toEqual({ ok: true, value: undefined });
  expect(passedOn.get('x')).toHaveLength(1);
});
