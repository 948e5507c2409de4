/**
 * Review (issue 19), invariant 2: resolved means the server's app got it exactly once.
 *
 * A relaying hub's tab sends 'once'. The owner writes it (S1:1) and posts `numbered` to
 * the relaying hub, which would tell its tab `written`; that hub dies first. The tab knows
 * nothing was written, so it posts 'once' to its fresh hub as new, as PendingSends does:
 * the owner writes it again under a new id of the same session, and the server passes
 * both on. (Within one worker the tab is told before the write; across the relay, after.)
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

it('a relayed send whose hub died before it heard the owner wrote it reaches the server once', async () => {
  const name = 'review-untold-write';
  const a = world.startHub('build-a');
  const b = world.startHub('build-b');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  await tabA.api.open('tab-a', relayOptions(name));
  tabA.api.setInterest('tab-a', name, ALL);
  await tabB.api.open('tab-b', relayOptions(name));
  tabB.api.setInterest('tab-b', name, ALL);
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  const { session } = resumeFrameOf(socket);
  socket.receive(resumed(0));
  await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));

  // The relaying hub dies as the owner's `numbered` reaches it.
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-b' || message.kind !== 'numbered') return undefined;
    b.kill();
    return 'lost';
  };
  void tabB.api.send('tab-b', name, 'once', { id: 3 });
  await vi.waitFor(() => expect(socket.sent.some((f) => String(f).includes('"once"'))).toBe(true));
  // The tab heard nothing of the write: PendingSends keeps it as not written.
  expect(tabB.events.filter((event) => event.kind === 'written')).toEqual([]);

  // The tab's fresh hub: it opens from its cursor and posts the send again, untagged by a wire id.
  const c = world.startHub('build-b');
  const tabAgain = await world.attachTab(c.hub, 'tab-b-again');
  await tabAgain.api.open('tab-b-again', relayOptions(name), { session, seq: 0, nextId: 65 });
  const again = tabAgain.api.send('tab-b-again', name, 'once', { id: 3 });
  await vi
    .waitFor(() =>
      expect(socket.sent.filter((f) => String(f).includes('"once"')).length).toBeGreaterThan(1),
    )
    .catch(() => {});
  const ids = new Set(
    socket.sent
      .map((f) => JSON.parse(String(f)) as { $ts: string; id?: number; text?: string })
      .filter((f) => f.$ts === 'msg' && f.text === 'once')
      .map((f) => f.id),
  );
  for (const id of ids) socket.receive(JSON.stringify({ $ts: 'ack', id }));
  await expect(again).resolves.toEqual({ ok: true, value: undefined });
  // The server passes each id on once: 'once' reached the app once per id.
  expect([...ids]).toHaveLength(1);
});
