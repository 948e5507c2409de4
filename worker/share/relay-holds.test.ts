/**
 * The relay's send confirmation (`numbered` with `awaits`, answered by
 * `holds`; `RelayOwner`, `HeardWrites`): a relaying hub is played by hand on the relay
 * channel (its lifetime lock held by the test), so the test picks when it answers, or dies.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { hubLockName, relayChannelName, tabLockName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { handPeer } from '../test-support/hand-peer';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { HEARD_DEADLINE_MS } from './tab-send';

const msg = (id: number, text: string) => JSON.stringify({ $ts: 'msg', id, text });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/**
 * An owner hub with a tab on connection `name` (its socket resumed), and a relaying hub
 * `peer` of this release played by hand: `die()` lets go of its lifetime lock.
 */
async function ownerAndHandPeer(name: string, peer = 'hand-peer') {
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', relayOptions(name));
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  resumeFrameOf(socket);
  socket.receive(resumed(0));
  const { owner, post, heard, channel, die } = await handPeer(world.locks, name, peer);
  const numbered = () =>
    heard.filter(
      (message): message is Extract<RelayMessage, { kind: 'numbered' }> =>
        message.kind === 'numbered',
    );
  return { a, tabA, socket, channel, heard, owner, post, numbered, die: () => die() };
}

// A confirming relaying hub's send holds every later send of the connection until its
// `holds` (a message waiting for `confirm` holds the ones behind it). When that hub dies
// first, the owner withdraws its send and `HeardWrites.forget` settles its ask: that answer
// flushes too (`SendQueue.#ask`), or the owner's own tab's send, confirmed already, would
// wait on an open socket until some later send or socket came along (for ever in an idle app).
it('write the sends behind a relaying hub that died before it answered holds', async () => {
  const { tabA, socket, owner, post, numbered, die } = await ownerAndHandPeer('holds-dies');
  post({ kind: 'send', to: owner, id: 1, data: 'peer', origin: 'tab-p:1', confirms: true });
  await vi.waitFor(() => expect(numbered()).toHaveLength(1));
  expect(numbered()[0]).toMatchObject({ id: 1, wire: 1, awaits: true });
  // Not written before its hub holds the id.
  expect(socket.sent).not.toContain(msg(1, 'peer'));
  const mine = tabA.api.send('tab-a', 'holds-dies', 'mine', { id: 1, confirms: true });
  // The owner's own tab answers `heard` as client/ does once told its id (2).
  await vi.waitFor(() =>
    expect(tabA.events.some((event) => event.kind === 'written' && event.awaits)).toBe(true),
  );
  tabA.api.heard('tab-a', 'holds-dies', 1, { session: resumeFrameOf(socket).session, id: 2 });
  // The relaying hub dies without answering.
  die();
  // Its send is dropped (its tab posts it again through a fresh hub), and the owner's
  // tab's send goes now: the socket is open and its tab confirmed it.
  await vi.waitFor(() => expect(socket.sent).toContain(msg(2, 'mine')), { timeout: 500 });
  expect(socket.sent).not.toContain(msg(1, 'peer'));
  void mine;
});

/** Lets the relay channel's messages (real BroadcastChannels) through, with no clock moving. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 500 && !condition(); turn++) {
    await new Promise((next) => setImmediate(next));
  }
  expect(condition()).toBe(true);
}

async function turns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn++) await new Promise((next) => setImmediate(next));
}

// Guard (holds as it should): the deadline, then a late answer. A relaying hub that does not
// answer within HEARD_DEADLINE_MS has its send written at the deadline, once; its late
// `holds` writes nothing more; it answered, so its next send waits for its answer again.
it('write a send once at the holds deadline, and nothing more on the late holds', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  try {
    const { socket, owner, post, numbered } = await ownerAndHandPeer('holds-late');
    // Timers of the hub's own (not this test's concern): the deadline adds one, and goes.
    const before = vi.getTimerCount();
    post({ kind: 'send', to: owner, id: 1, data: 'late', origin: 'tab-p:1', confirms: true });
    await until(() => numbered().length === 1);
    expect(vi.getTimerCount()).toBe(before + 1);
    const { session } = numbered()[0] as { session: string };
    vi.advanceTimersByTime(HEARD_DEADLINE_MS - 1);
    await turns(20);
    expect(socket.sent).not.toContain(msg(1, 'late'));
    vi.advanceTimersByTime(1);
    await until(() => socket.sent.includes(msg(1, 'late')));
    post({ kind: 'holds', to: owner, id: 1, wire: 1, session });
    post({ kind: 'send', to: owner, id: 2, data: 'next', origin: 'tab-p:2', confirms: true });
    await until(() => numbered().length === 2);
    await turns(20);
    expect(socket.sent.filter((frame) => frame === msg(1, 'late'))).toHaveLength(1);
    expect(socket.sent).not.toContain(msg(2, 'next'));
    post({ kind: 'holds', to: owner, id: 2, wire: 2, session });
    await until(() => socket.sent.includes(msg(2, 'next')));
    expect(vi.getTimerCount()).toBe(before);
  } finally {
    vi.useRealTimers();
  }
});

// Guard: a relaying hub that dies between `numbered` and `holds`. Its tab posts the send
// again through a fresh relaying hub under the same origin: the owner writes it under the
// id it told the dead hub (kept by origin), once.
it('write once, under the id told the dead hub, a send its tab posts again through a fresh hub', async () => {
  const { socket, owner, post, numbered, heard, die } = await ownerAndHandPeer('holds-repost');
  // The tab lives on (its lifetime lock): the owner keeps the id for its re-post.
  await new Promise<void>((held) => {
    void world.locks.request(tabLockName('tab-p'), {}, () => {
      held();
      return new Promise(() => {});
    });
  });
  post({ kind: 'send', to: owner, id: 1, data: 'again', origin: 'tab-p:7', confirms: true });
  await vi.waitFor(() => expect(numbered()).toHaveLength(1));
  die();
  // The fresh hub of the same tab, another hub id.
  await new Promise<void>((held) => {
    void world.locks.request(hubLockName('fresh-peer'), {}, () => {
      held();
      return new Promise(() => {});
    });
  });
  const channel = new BroadcastChannel(relayChannelName('holds-repost'));
  const from = { v: 1, from: 'fresh-peer' };
  const { url } = relayOptions('holds-repost');
  channel.postMessage({ ...from, kind: 'join', build: 'build-b', url, topics: [], ask: 1 });
  channel.postMessage({
    ...from,
    kind: 'send',
    to: owner,
    id: 1,
    data: 'again',
    origin: 'tab-p:7',
    confirms: true,
  });
  // Told the remembered id at once (review 18g), then asked to hold it before the write.
  const toFresh = () =>
    heard.filter((m) => m.kind === 'numbered' && m.to === 'fresh-peer') as {
      wire: number;
      session: string;
      awaits?: true;
    }[];
  await vi.waitFor(() => expect(toFresh().filter((m) => m.awaits)).toHaveLength(1));
  expect(toFresh().map((m) => [m.wire, m.awaits])).toEqual([
    [1, undefined],
    [1, true],
  ]);
  const told = toFresh()[1] as { wire: number; session: string };
  channel.postMessage({ ...from, kind: 'holds', to: owner, id: 1, wire: 1, session: told.session });
  await vi.waitFor(() => expect(socket.sent).toContain(msg(1, 'again')));
  await new Promise((next) => setTimeout(next, 20));
  expect(socket.sent.filter((frame) => String(frame).includes('"again"'))).toHaveLength(1);
  channel.close();
});

// Guard: the owner hands the socket over (its last tab left) while a relaying hub's send
// waits for `holds` (that hub never read the `numbered`). The owner drops it unwritten, and
// the relaying hub, the next owner, writes it once.
it('hand over with a relaying hub’s send waiting for holds: written once, by the next owner', async () => {
  const name = 'holds-handover';
  const a = world.startHub('build-a');
  const b = world.startHub('build-b');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  await tabA.api.open('tab-a', relayOptions(name, { gracePeriod: 50 }));
  await tabB.api.open('tab-b', relayOptions(name, { gracePeriod: 50 }));
  const first = world.latest();
  first.accept();
  first.receive(HELLO);
  resumeFrameOf(first);
  first.receive(resumed(0));
  await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));
  let numbered = false;
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-b' || message.kind !== 'numbered') return undefined;
    numbered = true;
    return 'lost';
  };
  const sent = tabB.api.send('tab-b', name, 'handed', { id: 1 });
  await vi.waitFor(() => expect(numbered).toBe(true));
  tabA.api.release('tab-a', name);
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  delete world.hooks.relayReceived;
  const second = world.latest();
  second.accept();
  second.receive(HELLO);
  resumeFrameOf(second);
  second.receive(resumed(0));
  await vi.waitFor(() => expect(second.sent.join()).toContain('"handed"'));
  const written = [...first.sent, ...second.sent].filter((frame) =>
    String(frame).includes('"handed"'),
  );
  expect(written).toHaveLength(1);
  const { id } = JSON.parse(String(written[0])) as { id: number };
  second.receive(JSON.stringify({ $ts: 'ack', id }));
  await expect(sent).resolves.toEqual({ ok: true, value: undefined });
});

// A relaying hub's send that another session's hub wrote (its tab posted it again with that
// id): written under this session's next id, saying where it was (`was`), so that a server
// still holding that session passes it on once.
it('says where a relayed send of another session was written', async () => {
  const { socket, owner, post } = await ownerAndHandPeer('relay-was');
  const session = 'an-older-session-0123';
  post({ kind: 'send', to: owner, id: 1, data: 'again', wire: 3, session, origin: 'tab-p:1' });
  await vi.waitFor(() =>
    expect(socket.sent).toContain(
      JSON.stringify({ $ts: 'msg', id: 1, text: 'again', was: { session, id: 3 } }),
    ),
  );
});

// Review 18d: a relaying hub tells the sessions its tab's send was written in before
// (`before`): named on the wire as the owner's own tabs' are, once checked as a tab's are
// (`isWrittenBefore`). A list with a hole or a bad origin is not named (the server would
// refuse the frame): the send goes as a peer's of an earlier release, naming nothing.
it('names the sessions a relayed send was written in before, once checked', async () => {
  const { socket, owner, post } = await ownerAndHandPeer('relay-before-checked');
  const { session } = resumeFrameOf(socket);
  const s0 = { session: 'an-older-session-0', id: 2 };
  const holed: unknown[] = [s0];
  holed.length = 2;
  const bad = [s0, { session: '', id: 1 }];
  const sends = [[s0], holed, bad].map((before, n) => ({ id: n + 1, wire: n + 3, before }));
  for (const { id, wire, before } of sends) {
    post({ kind: 'send', to: owner, id, data: `m${wire}`, wire, session, before });
  }
  await vi.waitFor(() => expect(socket.sent).toContain(msg(5, 'm5')));
  expect(socket.sent).toContain(JSON.stringify({ $ts: 'msg', id: 3, text: 'm3', was: s0 }));
  expect(socket.sent).toContain(msg(4, 'm4'));
});
