/**
 * Hubs of one browser profile sharing one socket (issue 11): the holder of the owner lock
 * owns it, the others relay through it over a BroadcastChannel, and when the owner goes the
 * next hub in the lock's queue resumes the same session.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ownerLockName, relayChannelName } from '../protocol/locks';
import { HELLO, resumed, resumeFrameOf, resyncOnto } from './test-support/connection-harness';
import { hubWorld, relayOptions } from './test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number, n = seq) => JSON.stringify({ $ts: 'push', seq, data: { n } });
const ack = (id: number) => JSON.stringify({ $ts: 'ack', id });
const msg = (id: number, text: string) => JSON.stringify({ $ts: 'msg', id, text });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** Two hubs (two builds), a tab on each, both on connection `name`; the first hub owns. */
async function twoHubs(name: string, overrides: Parameters<typeof relayOptions>[1] = {}) {
  const a = world.startHub('build-a');
  const b = world.startHub('build-b');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  const opened = await tabA.api.open('tab-a', relayOptions(name, overrides));
  expect(opened).toMatchObject({ ok: true, value: { role: 'owner' } });
  tabA.api.setInterest('tab-a', name, ALL);
  const relayed = await tabB.api.open('tab-b', relayOptions(name, overrides));
  tabB.api.setInterest('tab-b', name, ALL);
  return { a, b, tabA, tabB, relayed };
}

/** Completes the handshake of the latest socket: hello, the resume it answers, resumed at `seq`. */
function handshake(seq = 0) {
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  const resume = resumeFrameOf(socket);
  socket.receive(resumed(seq));
  return { socket, resume };
}

describe('hubs sharing a connection', () => {
  it('take the new session of a server that lost theirs: every push of its stream reaches every tab once', async () => {
    const { tabA, tabB } = await twoHubs('relay-new-session', {
      reconnect: { minDelay: 10, maxDelay: 10, jitter: 0 },
    });
    const { socket } = handshake();
    for (let seq = 1; seq <= 5; seq++) socket.receive(push(seq));
    await vi.waitFor(() => expect(tabB.frames()).toHaveLength(5));
    socket.drop();
    await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
    const restarted = world.latest();
    restarted.accept();
    restarted.receive(HELLO);
    expect(resumeFrameOf(restarted)).toMatchObject({ last: 5 });
    // The server restarted without its sessions: the stream goes on under a new id, from 1.
    restarted.receive(resyncOnto('the-new-session-0123'));
    for (let seq = 1; seq <= 3; seq++) restarted.receive(push(seq, 100 + seq));
    for (const tab of [tabA, tabB]) {
      await vi.waitFor(() => expect(tab.frames()).toHaveLength(8));
      expect(tab.frames().map((frame) => frame.data)).toEqual(
        [1, 2, 3, 4, 5, 101, 102, 103].map((n) => ({ n })),
      );
      // The tab hears of the new session, and of the resync, before any of its pushes.
      const kinds = tab.events.flatMap((event) =>
        event.kind === 'cursor' && event.cursor.session === 'the-new-session-0123'
          ? ['new session']
          : event.kind === 'resync' || event.kind === 'frames'
            ? [event.kind]
            : [],
      );
      const after = kinds.slice(kinds.indexOf('new session'));
      expect(after.filter((kind, index) => kind !== after[index - 1])).toEqual([
        'new session',
        'resync',
        'frames',
      ]);
    }
  });

  it('open one socket: the second hub relays states, pushes and sends, and learns both builds', async () => {
    const { tabA, tabB, relayed } = await twoHubs('relay-basics');
    expect(relayed).toMatchObject({ ok: true, value: { role: 'relay', state: 'connecting' } });
    expect(world.sockets).toHaveLength(1);
    const { socket } = handshake();
    await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));

    socket.receive(push(1));
    socket.receive(push(2));
    for (const tab of [tabA, tabB]) {
      await vi.waitFor(() =>
        expect(tab.frames()).toEqual([
          { data: { n: 1 }, seq: 1 },
          { data: { n: 2 }, seq: 2 },
        ]),
      );
    }

    const sent = tabB.api.send('tab-b', 'relay-basics', 'from b');
    await vi.waitFor(() => expect(socket.sent).toContain(msg(1, 'from b')));
    socket.receive(ack(1));
    await expect(sent).resolves.toEqual({ ok: true, value: undefined });

    const builds = (tab: typeof tabA) =>
      tab.events.flatMap((event) => (event.kind === 'builds' ? [event.builds] : [])).at(-1);
    await vi.waitFor(() => expect(builds(tabA)).toEqual(['build-a', 'build-b']));
    await vi.waitFor(() => expect(builds(tabB)).toEqual(['build-a', 'build-b']));
    expect(world.sockets).toHaveLength(1);
  });

  it('tell the server the union of every hub’s topics', async () => {
    const { a, b, tabA, tabB } = await twoHubs('relay-topics');
    const { socket } = handshake();
    tabA.api.setInterest('tab-a', 'relay-topics', { all: false, topics: ['chat'] });
    tabB.api.setInterest('tab-b', 'relay-topics', { all: false, topics: ['prices'] });
    const subscribed = () =>
      socket.sent
        .map((frame) => JSON.parse(String(frame)) as { $ts: string; topics?: string[] })
        .filter((frame) => frame.$ts === 'sub')
        .at(-1)?.topics;
    await vi.waitFor(() => expect(subscribed()?.sort()).toEqual(['chat', 'prices']));
    b.kill();
    // The owner queued for the peer's lifetime lock: the peer's topics go with it.
    await vi.waitFor(() => expect(subscribed()).toEqual(['chat']));
    expect(a.hub.inspect('relay-topics')?.role).toBe('owner');
  });

  it('hand over when the owner dies: the next hub resumes the session after the last push, and a send written but not acked keeps its id', async () => {
    const { a, tabB } = await twoHubs('relay-death');
    const { socket: first, resume } = handshake();
    first.receive(push(1));
    first.receive(push(2));
    await vi.waitFor(() => expect(tabB.frames()).toHaveLength(2));
    const sent = tabB.api.send('tab-b', 'relay-death', 'in flight');
    await vi.waitFor(() => expect(first.sent).toContain(msg(1, 'in flight')));

    a.kill();
    await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
    const { socket: second, resume: resumedFrom } = handshake(2);
    expect(resumedFrom).toMatchObject({ session: resume.session, last: 2 });
    // Written again under the same id: the server passes it on once.
    await vi.waitFor(() => expect(second.sent).toContain(msg(1, 'in flight')));
    second.receive(ack(1));
    await expect(sent).resolves.toEqual({ ok: true, value: undefined });
    second.receive(push(3));
    await vi.waitFor(() => expect(tabB.frames().map((frame) => frame.seq)).toEqual([1, 2, 3]));
    expect(tabB.states()).toContain('connecting:handover');
    expect(tabB.api.inspect('relay-death')).toMatchObject({ role: 'owner', state: 'open' });
  });

  it('hand a peer that joins the new owner the pushes it replayed before the peer joined', async () => {
    const { a, b, tabB } = await twoHubs('relay-catch-up');
    const c = world.startHub('build-c');
    const tabC = await world.attachTab(c.hub, 'tab-c');
    await tabC.api.open('tab-c', relayOptions('relay-catch-up'));
    tabC.api.setInterest('tab-c', 'relay-catch-up', ALL);
    const { socket: first } = handshake();
    first.receive(push(1));
    first.receive(push(2));
    await vi.waitFor(() => expect(tabC.frames()).toHaveLength(2));

    // The new owner's replay comes before the other peer can have joined it: in the
    // microtask after its socket is made, before any message of the channel is delivered.
    world.hooks.socketCreated = () =>
      queueMicrotask(() => {
        const { socket } = handshake(2);
        socket.receive(push(3));
        socket.receive(push(4));
      });
    a.kill();
    await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
    const second = world.latest();
    await vi.waitFor(() => expect(tabC.frames().map((frame) => frame.seq)).toEqual([1, 2, 3, 4]));
    second.receive(push(5));
    for (const tab of [tabB, tabC]) {
      await vi.waitFor(() =>
        expect(tab.frames().map((frame) => frame.seq)).toEqual([1, 2, 3, 4, 5]),
      );
    }
    expect(b.hub.inspect('relay-catch-up')?.role ?? c.hub.inspect('relay-catch-up')?.role).toBe(
      'owner',
    );
  });

  it('hand over without closing the session when the owner’s last tab leaves', async () => {
    const { tabA, tabB } = await twoHubs('relay-release', { gracePeriod: 50 });
    const { socket: first, resume } = handshake();
    first.receive(push(1));
    await vi.waitFor(() => expect(tabB.frames()).toHaveLength(1));
    tabA.api.release('tab-a', 'relay-release');
    // After gracePeriod: the owner keeps the socket meanwhile.
    await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
    const { resume: resumedFrom } = handshake(1);
    expect(resumedFrom).toMatchObject({ session: resume.session, last: 1 });
    expect(first.closeCalls).toHaveLength(1);
  });

  it('log out from a relaying hub: every hub closed, no socket left, and a new login there takes the socket', async () => {
    const { a, tabA, tabB } = await twoHubs('relay-logout');
    const { socket } = handshake();
    await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));
    expect(tabB.api.close('tab-b', 'relay-logout', 1000, '')).toEqual({
      ok: true,
      value: undefined,
    });
    for (const tab of [tabA, tabB]) {
      await vi.waitFor(() => expect(tab.states().at(-1)).toBe('closed:logout'));
    }
    expect(socket.closeCalls).toEqual([{ code: 1000, reason: '' }]);
    expect(world.sockets).toHaveLength(1);

    const again = await tabB.api.open('tab-b', relayOptions('relay-logout'));
    expect(again).toMatchObject({ ok: true, value: { role: 'owner' } });
    expect(world.sockets).toHaveLength(2);
    expect(a.hub.inspect('relay-logout')?.state).toBe('closed');
  });

  it('a new login in a relaying hub replaces the old one everywhere: one socket, on the new url', async () => {
    const { tabA, tabB } = await twoHubs('relay-relogin');
    handshake();
    await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));
    const login = relayOptions('relay-relogin', {});
    const next = { ...login, url: 'ws://127.0.0.1:9/ws?user=bob' };
    const opened = await tabB.api.open('tab-b', next);
    expect(opened).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
    expect(world.latest().url).toBe(next.url);
    expect(world.sockets[0]?.closeCalls).toHaveLength(1);
    await vi.waitFor(() => expect(tabA.states().at(-1)).toBe('closed:replaced'));
    await vi.waitFor(() => expect(tabB.api.inspect('relay-relogin')?.role).toBe('owner'));
  });

  it('ignores the messages of another relay version, and answers open within a bound', async () => {
    const a = world.startHub();
    const tabA = await world.attachTab(a.hub, 'tab-a');
    // Another hub holds the lock and speaks only version 2.
    void world.locks.request(ownerLockName('relay-version'), {}, () => new Promise(() => {}));
    const stranger = new BroadcastChannel(relayChannelName('relay-version'));
    const status = { state: 'open', generation: 1, failedAttempts: 0 };
    stranger.onmessage = () =>
      stranger.postMessage({ v: 2, from: 'x', kind: 'owner', build: 'b', url: '', status });
    const opened = await tabA.api.open('tab-a', relayOptions('relay-version'));
    stranger.close();
    expect(opened).toMatchObject({ ok: true, value: { role: 'relay', state: 'idle' } });
    expect(world.sockets).toHaveLength(0);
  });

  it('writes a send only when it was posted to this owner: one posted to an owner that died is handed over again by its peer', async () => {
    const { tabB } = await twoHubs('relay-addressed');
    const { socket } = handshake();
    await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));
    const channel = new BroadcastChannel(relayChannelName('relay-addressed'));
    channel.postMessage({ v: 1, from: 'ghost', kind: 'send', to: 'dead-owner', id: 1, data: 'x' });
    const sent = tabB.api.send('tab-b', 'relay-addressed', 'real');
    await vi.waitFor(() => expect(socket.sent).toContain(msg(1, 'real')));
    channel.close();
    socket.receive(ack(1));
    await sent;
    expect(socket.sent.filter((frame) => String(frame).includes('"x"'))).toEqual([]);
  });

  it('tells every tab the builds: one that joins later in its snapshot, and the new owner’s tabs after the other build left', async () => {
    const { a, b, tabB } = await twoHubs('relay-builds', { gracePeriod: 0 });
    handshake();
    const late = await world.attachTab(b.hub, 'tab-b2');
    await vi.waitFor(async () =>
      expect(
        await late.api.open('tab-b2', relayOptions('relay-builds', { gracePeriod: 0 })),
      ).toMatchObject({
        value: { builds: ['build-a', 'build-b'] },
      }),
    );
    a.kill();
    await vi.waitFor(() => expect(b.hub.inspect('relay-builds')?.role).toBe('owner'));
    const builds = tabB.events.flatMap((event) => (event.kind === 'builds' ? [event.builds] : []));
    expect(builds.at(-1)).toEqual(['build-b']);
  });

  it('rejects a relayed send the owner refuses, with its code', async () => {
    const { tabB } = await twoHubs('relay-refused');
    handshake();
    const many = relayOptions('relay-refused').outboxLimit;
    const sends = Array.from({ length: many + 1 }, (_, n) =>
      tabB.api.send('tab-b', 'relay-refused', `m${n}`),
    );
    // The peer counts what it handed over: one past the limit is refused at once.
    await expect(sends.at(-1)).resolves.toMatchObject({
      ok: false,
      error: { code: 'TS_ERR_OUTBOX_FULL' },
    });
  });
});
