/**
 * Hubs of one browser profile sharing one socket (issue 11): the holder of the owner lock
 * owns it, the others relay through it over a BroadcastChannel, and when the owner goes the
 * next hub in the lock's queue resumes the same session.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hubLockName, ownerLockName, relayChannelName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
import { ID_RESERVE } from '../socket/wire-link';
import {
  HELLO,
  handshake as handshakeOn,
  resumeFrameOf,
  resyncOnto,
} from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { RelayPeer } from './relay-peer';

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
const handshake = (seq = 0) => handshakeOn(world.latest(), seq);

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

  it('tell the tab of a relaying hub the message id the owner wrote its send under, and again when its hub takes the socket over', async () => {
    const { a, tabB } = await twoHubs('relay-written');
    const { socket: first, resume } = handshake();
    void tabB.api.send('tab-b', 'relay-written', 'in flight', { id: 9 });
    await vi.waitFor(() => expect(first.sent).toContain(msg(1, 'in flight')));
    const written = () => tabB.events.filter((event) => event.kind === 'written');
    const told = { kind: 'written', name: 'relay-written', id: 9 };
    await vi.waitFor(() =>
      expect(written()).toEqual([{ ...told, wire: { session: resume.session, id: 1 } }]),
    );

    a.kill();
    await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
    const { socket: second } = handshake();
    await vi.waitFor(() => expect(second.sent).toContain(msg(1, 'in flight')));
    expect(written()).toHaveLength(2);
  });

  it('write a send its tab posts again after its relaying hub died under the id the owner wrote it under', async () => {
    const { b, tabB } = await twoHubs('relay-peer-death');
    const { socket, resume } = handshake();
    const name = 'relay-peer-death';
    void tabB.api.send('tab-b', name, 'once', { id: 4 });
    await vi.waitFor(() => expect(socket.sent).toContain(msg(1, 'once')));

    b.kill();
    const c = world.startHub('build-b');
    // The same tab, as the test's locks see a new one (the old id's lock is held for good).
    const tabAgain = await world.attachTab(c.hub, 'tab-b-again');
    const cursor = { session: resume.session, seq: 0, nextId: 65 };
    await tabAgain.api.open('tab-b-again', relayOptions(name), cursor);
    const again = tabAgain.api.send('tab-b-again', name, 'once', {
      id: 4,
      wire: { session: resume.session, id: 1 },
    });
    await vi.waitFor(() =>
      expect(socket.sent.filter((frame) => frame === msg(1, 'once'))).toHaveLength(2),
    );
    socket.receive(ack(1));
    await expect(again).resolves.toEqual({ ok: true, value: undefined });
    expect(socket.sent.filter((frame) => String(frame).includes('"once"'))).toHaveLength(2);
  });

  it('write a send its tab posts again as new, its relaying hub having died before it told the id, under the id the owner wrote it under', async () => {
    const { b, tabB } = await twoHubs('relay-peer-death-untold');
    const { socket, resume } = handshake();
    const name = 'relay-peer-death-untold';
    // The owner writes it once the relaying hub holds its id; the hub dies before its tab
    // read the id (the tab here posts it again as new, whatever it heard).
    void tabB.api.send('tab-b', name, 'once', { id: 4 });
    await vi.waitFor(() => expect(socket.sent).toContain(msg(1, 'once')));

    b.kill();
    const c = world.startHub('build-b');
    const tabAgain = await world.attachTab(c.hub, 'tab-b', { back: true });
    await tabAgain.api.open('tab-b', relayOptions(name), {
      session: resume.session,
      seq: 0,
      nextId: 65,
    });
    const again = tabAgain.api.send('tab-b', name, 'once', { id: 4 });
    await vi.waitFor(() =>
      expect(socket.sent.filter((frame) => frame === msg(1, 'once'))).toHaveLength(2),
    );
    socket.receive(ack(1));
    await expect(again).resolves.toEqual({ ok: true, value: undefined });
    expect(socket.sent.filter((frame) => String(frame).includes('"once"'))).toHaveLength(2);
  });

  it('write a relaying hub’s send only once that hub holds its id: the hub that takes the socket as the owner dies writes it under the same id', async () => {
    const name = 'relay-peer-holds';
    const { a, tabB } = await twoHubs(name);
    const { socket: first } = handshake();
    await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));
    // The owner numbers the send, and dies before the relaying hub read the id.
    let numbered = false;
    world.hooks.relayReceived = (build, message) => {
      if (build !== 'build-b' || message.kind !== 'numbered') return undefined;
      numbered = true;
      return 'lost';
    };
    const sent = tabB.api.send('tab-b', name, 'once', { id: 3 });
    await vi.waitFor(() => expect(numbered).toBe(true));
    a.kill();
    delete world.hooks.relayReceived;
    await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
    const { socket: second } = handshake();
    await vi.waitFor(() => expect(second.sent.join()).toContain('"once"'));
    const ids = [...first.sent, ...second.sent]
      .map((frame) => JSON.parse(String(frame)) as { $ts: string; id?: number; text?: string })
      .filter((frame) => frame.$ts === 'msg' && frame.text === 'once')
      .map((frame) => frame.id);
    // One id: the server passes it on once, whichever socket it came on.
    expect(new Set(ids).size).toBe(1);
    second.receive(ack(ids.at(-1) ?? 0));
    await expect(sent).resolves.toEqual({ ok: true, value: undefined });
  });

  it('write at once the send of a relaying hub of an earlier release, which does not answer `numbered`', async () => {
    const name = 'relay-earlier-peer';
    const a = world.startHub('build-a');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    await tabA.api.open('tab-a', relayOptions(name));
    const { socket } = handshake();
    // The earlier hub, alive (its lifetime lock held), speaks on the channel itself.
    await new Promise<void>((held) => {
      void world.locks.request(hubLockName('earlier'), {}, () => {
        held();
        return new Promise(() => {});
      });
    });
    const channel = new BroadcastChannel(relayChannelName(name));
    const heard: RelayMessage[] = [];
    channel.onmessage = (event) => heard.push(event.data as RelayMessage);
    const from = { v: 1, from: 'earlier' };
    const { url } = relayOptions(name);
    channel.postMessage({ ...from, kind: 'join', build: 'build-old', url, topics: [] });
    await vi.waitFor(() => expect(heard.some((message) => message.kind === 'owner')).toBe(true));
    const owner = heard.find((message) => message.kind === 'owner')?.from;
    channel.postMessage({ ...from, kind: 'send', to: owner, id: 1, data: 'old' });
    await vi.waitFor(() => expect(socket.sent).toContain(msg(1, 'old')));
    await vi.waitFor(() =>
      expect(heard.find((message) => message.kind === 'numbered')).toEqual({
        v: 1,
        from: owner,
        kind: 'numbered',
        to: 'earlier',
        id: 1,
        wire: 1,
        session: expect.any(String),
      }),
    );
    channel.close();
  });

  it('a relaying hub that logged out and in again in one go, and took the lock before the owner’s word of that logout, keeps its new login', async () => {
    // Seed 3071: b's tab logs out and in again at once; b's new channel hears a's word of
    // that very logout (a closed for it) only after the lock came to b (a's own new login
    // let go of it). b took the word for one on the login it began, and closed it: a's
    // new login, which joined b, went on with the session b's next login then resumed.
    const name = 'relay-logout-echo';
    const { tabA, tabB } = await twoHubs(name);
    const { socket: first } = handshake();
    await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
    const late: RelayMessage[] = [];
    world.hooks.relayReceived = (build, message) => {
      if (build !== 'build-b' || !['owner', 'state', 'leaving'].includes(message.kind)) {
        return undefined;
      }
      late.push(message);
      return 'lost';
    };
    tabB.api.close('tab-b', name, 1000, '');
    void tabB.api.open('tab-b', relayOptions(name));
    await vi.waitFor(() => expect(first.sent.at(-1)).toBe('{"$ts":"end"}'));
    // a's tab logs in anew: a lets go of the lock, which b takes with no owner heard.
    void tabA.api.open('tab-a', relayOptions(name));
    await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
    const { socket: second } = handshake();
    await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
    const words = late.filter((message) => message.kind === 'state');
    expect(words.some((message) => message.detail.reason === 'logout')).toBe(true);
    let heard = 0;
    world.hooks.relayReceived = (build, message) => {
      if (build === 'build-b' && message.kind === 'state') heard += 1;
      return undefined;
    };
    const channel = new BroadcastChannel(relayChannelName(name));
    for (const message of words) channel.postMessage(message);
    channel.close();
    await vi.waitFor(() => expect(heard).toBe(words.length));
    await new Promise((resolve) => setImmediate(resolve));
    expect(tabB.states().at(-1)).toMatch(/^open:/);
    expect(second.closeCalls).toEqual([]);
  });

  it('tell the owner, with the next send, which sends’ ids the relaying hub heard (their tabs know them)', async () => {
    const name = 'relay-peer-heard';
    const { tabB } = await twoHubs(name);
    const { socket } = handshake();
    const sends: RelayMessage[] = [];
    world.hooks.relayReceived = (build, message) => {
      if (build === 'build-a' && message.kind === 'send') sends.push(message);
      return undefined;
    };
    const first = tabB.api.send('tab-b', name, 'one', { id: 1 });
    await vi.waitFor(() => expect(socket.sent).toContain(msg(1, 'one')));
    socket.receive(ack(1));
    await expect(first).resolves.toEqual({ ok: true, value: undefined });
    void tabB.api.send('tab-b', name, 'two', { id: 2 });
    await vi.waitFor(() => expect(sends).toHaveLength(2));
    expect(sends[0]).not.toHaveProperty('heard');
    expect(sends[1]).toMatchObject({ origin: 'tab-b:2', heard: [1] });
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

  /**
   * A reloaded page's hub joins with the cursor its page kept (seq 2) while the owner is at
   * 10; pushes 11 and 12 reach the owner just before it handles that join (12 waits in its
   * batcher for the next task). With `otherJoinFirst` another hub's join is handled before,
   * so the owner already relays pushes to the channel; with `sendsMeanwhile` the owner's tab
   * also sends enough to take new message ids, which the owner tells as a new cursor.
   */
  async function lateJoin(name: string, otherJoinFirst: boolean, sendsMeanwhile = false) {
    const a = world.startHub('build-a');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    await tabA.api.open('tab-a', relayOptions(name));
    tabA.api.setInterest('tab-a', name, ALL);
    const { socket } = handshake();
    socket.receive(push(1));
    socket.receive(push(2));
    const kept = a.hub.inspect(name)?.cursor;
    for (let seq = 3; seq <= 10; seq++) socket.receive(push(seq));
    const q = world.startHub('build-q');
    const p = world.startHub('build-p');
    const tabQ = await world.attachTab(q.hub, 'tab-q');
    const tabP = await world.attachTab(p.hub, 'tab-p');
    let pushed = false;
    world.hooks.relayReceived = (build, message) => {
      if (pushed || build !== 'build-a' || message.kind !== 'join') return undefined;
      if (message.build !== 'build-p') return undefined;
      pushed = true;
      for (let n = 0; sendsMeanwhile && n < ID_RESERVE; n++) tabA.api.send('tab-a', name, 'x');
      socket.receive(push(11));
      socket.receive(push(12));
      return undefined;
    };
    const opened = [
      otherJoinFirst ? tabQ.api.open('tab-q', relayOptions(name)) : undefined,
      tabP.api.open('tab-p', relayOptions(name), kept),
    ];
    tabP.api.setInterest('tab-p', name, ALL);
    await Promise.all(opened);
    await vi.waitFor(() => expect(pushed).toBe(true));
    await vi.waitFor(() => expect(tabP.frames().at(-1)?.seq).toBe(12));
    socket.receive(push(13));
    await vi.waitFor(() => expect(tabP.frames().at(-1)?.seq).toBe(13));
    return { tabP };
  }

  it('hand a peer that joins behind the stream the pushes it missed, then the live ones', async () => {
    const { tabP } = await lateJoin('relay-late-alone', false);
    expect(tabP.frames().map((frame) => frame.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(tabP.events.filter((event) => event.kind === 'resync')).toEqual([]);
  });

  it('hand a peer that joins behind the stream its own catch-up when another hub’s join and a push come first', async () => {
    const { tabP } = await lateJoin('relay-late-after-other', true);
    expect(tabP.frames().map((frame) => frame.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(tabP.events.filter((event) => event.kind === 'resync')).toEqual([]);
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
    await expect(tabB.api.close('tab-b', 'relay-logout', 1000, '')).resolves.toEqual({
      ok: true,
      value: undefined,
    });
    // Answered once the owner closed the login: no push of it reaches a tab after that.
    expect(socket.closeCalls).toHaveLength(1);
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

  it('a user switch in a relaying tab as the owner’s tab logs out: the pushes and the word of the ended login on their way reach none of the new login’s events (seeds 142, 81, 124)', async () => {
    const name = 'relay-switch-in-transit';
    const { tabA, tabB } = await twoHubs(name);
    const { socket } = handshake();
    await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));
    // One stretch, before the channel brings the relaying hub anything: a push, the owner's
    // tab logs out, and the relaying tab's app, told, connects as the next user.
    const taken = tabB.events.length;
    socket.receive(push(1));
    tabA.api.close('tab-a', name, 1000, '');
    void tabB.api.release('tab-b', name);
    await tabB.api.open('tab-b', relayOptions(name));
    await vi.waitFor(() => expect(tabB.states()).toContain('closed:logout'));
    // The tab's new login starts at the hub's `opened`: nothing of the ended one after it.
    const after = tabB.events.slice(taken);
    const start = after.findIndex((event) => event.kind === 'opened');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(after.slice(start).filter((event) => event.kind === 'frames')).toEqual([]);
    expect(after.slice(start)).not.toContainEqual(
      expect.objectContaining({ kind: 'state', state: 'closed' }),
    );
  });

  it('a logout and a new login at once in the owner’s tab: the relaying hub the lock reaches before the logout’s word does not resume the session', async () => {
    const name = 'relay-logout-relogin';
    const { tabA, tabB } = await twoHubs(name);
    const { resume } = handshake();
    await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));
    // One task: the owner goes dormant, then wakes for the new login and lets go of the
    // lock, which reaches the relaying hub before the channel brings it the logout.
    tabA.api.close('tab-a', name, 1000, '');
    tabA.api.release('tab-a', name);
    void tabA.api.open('tab-a', relayOptions(name));
    await vi.waitFor(() => expect(tabB.states().at(-1)).toBe('closed:logout'));
    await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
    const { resume: next } = handshake();
    expect(next.session).not.toBe(resume.session);
    expect(next.last).toBe(0);
  });

  it('a logout in the owner’s tab as the owner dies: the relaying hub the lock reaches before the logout’s word does not resume the session', async () => {
    const name = 'relay-logout-owner-dies-after';
    const { a, b, tabA, tabB } = await twoHubs(name);
    handshake();
    await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));
    // One task: the owner handles the logout and tells its peers, then dies; the lock
    // reaches the relaying hub before the channel brings it the owner's word.
    tabA.api.close('tab-a', name, 1000, '');
    a.kill();
    await vi.waitFor(() => expect(tabB.states().at(-1)).toBe('closed:logout'));
    expect(b.hub.inspect(name)?.state).toBe('closed');
    for (const socket of world.sockets.slice(1)) {
      expect(socket.closeCalls).toHaveLength(1);
      expect(socket.sent).toEqual([]);
    }
  });

  /**
   * Three hubs on `name`, the first owning an open socket; tab-b logs out. The owner lives,
   * or dies before it gets to the logout: once the other hub has it (`after-others`), or at
   * once, whoever has it (`at-once`: the lock may reach the other hub first).
   */
  async function logoutFromPeer(name: string, ownerDies: 'never' | 'after-others' | 'at-once') {
    const { a, tabA, tabB } = await twoHubs(name);
    const c = world.startHub('build-c');
    const tabC = await world.attachTab(c.hub, 'tab-c');
    await tabC.api.open('tab-c', relayOptions(name));
    handshake();
    await vi.waitFor(() => expect(tabC.states()).toContain('open:open'));
    const heard = new Set<string>();
    world.hooks.relayReceived = (build, message) => {
      if (message.kind !== 'close') return undefined;
      heard.add(build);
      if (ownerDies === 'never' || build !== 'build-a') return undefined;
      if (ownerDies === 'at-once') a.kill();
      return 'lost';
    };
    tabB.api.close('tab-b', name, 1000, '');
    await vi.waitFor(() => expect([...heard].sort()).toEqual(['build-a', 'build-c']));
    if (ownerDies === 'after-others') a.kill();
    return { tabA, tabB, tabC };
  }

  it('log out from a relaying hub with three hubs: every hub closed, one socket ever', async () => {
    const { tabA, tabB, tabC } = await logoutFromPeer('relay-logout-three', 'never');
    for (const tab of [tabA, tabB, tabC]) {
      await vi.waitFor(() => expect(tab.states().at(-1)).toBe('closed:logout'));
    }
    expect(world.sockets).toHaveLength(1);
  });

  it('log out from a relaying hub whose owner dies before it handles the logout: no hub resumes the session', async () => {
    const { tabB, tabC } = await logoutFromPeer('relay-logout-owner-dies', 'after-others');
    for (const tab of [tabB, tabC]) {
      await vi.waitFor(() => expect(tab.states().at(-1)).toBe('closed:logout'));
    }
    expect(world.sockets).toHaveLength(1);
    // The hub that logged out keeps the lock for the login that ended, so that no hub
    // resumes it; a new login's join makes it let go: a fresh session, one socket.
    const resumed = world.sockets[0] ? resumeFrameOf(world.sockets[0]) : undefined;
    const d = world.startHub('build-d');
    const tabD = await world.attachTab(d.hub, 'tab-d');
    await tabD.api.open('tab-d', relayOptions('relay-logout-owner-dies'));
    await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
    const { resume } = handshake();
    expect(resume.session).not.toBe(resumed?.session);
    expect(resume.last).toBe(0);
  });

  it('log out from a relaying hub whose owner dies at once: a hub the lock reached first closes the socket it opened before it is open', async () => {
    const { tabB, tabC } = await logoutFromPeer('relay-logout-owner-dies-at-once', 'at-once');
    for (const tab of [tabB, tabC]) {
      await vi.waitFor(() => expect(tab.states().at(-1)).toBe('closed:logout'));
    }
    for (const socket of world.sockets.slice(1)) {
      expect(socket.readyState).toBe(2);
      expect(socket.closeCalls).toHaveLength(1);
    }
    expect(tabC.frames()).toEqual([]);
  });

  it('log out from a relaying hub as the owner dies: the owner’s tab, back on a fresh hub, hears the logout and resumes nothing', async () => {
    const name = 'relay-logout-owner-dies-rejoin';
    const { a, tabA, tabB } = await twoHubs(name);
    handshake();
    await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));
    const cursor = tabA.api.inspect(name)?.cursor;
    expect(cursor).toBeDefined();
    // One task: the logout goes to an owner that never hears it.
    tabB.api.close('tab-b', name, 1000, '');
    a.kill();
    await vi.waitFor(() => expect(tabB.states().at(-1)).toBe('closed:logout'));
    // tab-a's page starts a fresh worker and continues its login there, from its cursor.
    const fresh = world.startHub('build-a');
    const tabA2 = await world.attachTab(fresh.hub, 'tab-a2');
    void tabA2.api.open('tab-a2', relayOptions(name), cursor, undefined, 'rejoin');
    await vi.waitFor(() => expect(tabA2.states().at(-1)).toBe('closed:logout'));
    expect(world.sockets).toHaveLength(1);
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

  it('hand a peer that joins behind the stream its own catch-up when the owner tells a new cursor before it answers', async () => {
    const { tabP } = await lateJoin('relay-late-cursor', true, true);
    expect(tabP.frames().map((frame) => frame.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('tells a peer that joins with a cursor of a session the owner no longer has (the server lost it) the new session, then resync', async () => {
    const name = 'relay-lost-session';
    const a = world.startHub('build-a');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    await tabA.api.open('tab-a', relayOptions(name));
    const { socket, resume } = handshake();
    socket.receive(push(1));
    const p = world.startHub('build-p');
    const tabP = await world.attachTab(p.hub, 'tab-p');
    await tabP.api.open('tab-p', relayOptions(name), { session: 'lost', seq: 7, nextId: 3 });
    tabP.api.setInterest('tab-p', name, ALL);
    await vi.waitFor(() => expect(tabP.events.some((event) => event.kind === 'resync')).toBe(true));
    socket.receive(push(2));
    await vi.waitFor(() => expect(tabP.frames()).toEqual([{ data: { n: 2 }, seq: 2 }]));
    const kinds = tabP.events.map((event) =>
      event.kind === 'cursor' ? `cursor:${event.cursor.session}` : event.kind,
    );
    const told = kinds.indexOf(`cursor:${resume.session}`);
    expect(told).toBeGreaterThanOrEqual(0);
    expect(told).toBeLessThan(kinds.indexOf('resync'));
  });

  it('follows an owner of an earlier release, which names no hub in its answers, from its first word', async () => {
    const a = world.startHub();
    const tabA = await world.attachTab(a.hub, 'tab-a');
    void world.locks.request(ownerLockName('relay-older'), {}, () => new Promise(() => {}));
    const older = new BroadcastChannel(relayChannelName('relay-older'));
    const status = { state: 'open', generation: 1, failedAttempts: 0 };
    const options = relayOptions('relay-older');
    const { url } = options;
    const cursor = { session: 's1', seq: 4, nextId: 1 };
    older.onmessage = () => {
      older.postMessage({ v: 1, from: 'old', kind: 'owner', build: 'b', url, status, cursor });
      const event = { kind: 'frames', name: 'relay-older', frames: [{ data: 5, seq: 5 }] };
      older.postMessage({ v: 1, from: 'old', kind: 'event', event });
    };
    const opened = await tabA.api.open('tab-a', options);
    tabA.api.setInterest('tab-a', 'relay-older', ALL);
    await vi.waitFor(() => expect(tabA.frames()).toEqual([{ data: 5, seq: 5 }]));
    older.close();
    expect(opened).toMatchObject({ ok: true, value: { role: 'relay', state: 'open' } });
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
  it('writes a send its peer accepted even when the owner’s own outbox is full: the limit is the peer’s, where the send entered', async () => {
    const name = 'relay-admitted';
    const { tabA, tabB } = await twoHubs(name, { outboxLimit: 2 });
    // The owner's tab fills the owner's outbox before the socket opens.
    void tabA.api.send('tab-a', name, 'a1');
    void tabA.api.send('tab-a', name, 'a2');
    const relayed = tabB.api.send('tab-b', name, 'b1');
    const { socket } = handshake();
    await vi.waitFor(() => expect(socket.sent).toContain(msg(3, 'b1')));
    socket.receive(JSON.stringify({ $ts: 'ack', id: 3 }));
    await expect(relayed).resolves.toEqual({ ok: true, value: undefined });
  });
  it('a relayed re-post under an id of a session the server lost takes the new session’s next id', async () => {
    const name = 'relay-stale-wire';
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
    // It names where it was written, for a server that still holds S1 (`MessageFrame.was`).
    const theirs =
      '{"$ts":"msg","id":2,"text":"theirs","was":{"session":"session-one-lost-01","id":1}}';
    await vi.waitFor(() => expect(socket.sent).toContain(theirs));
    // The server acks id 1 (it had it: 'mine'); 'theirs' does not settle as sent on that.
    socket.receive(ack(1));
    const settled = await Promise.race([
      again,
      new Promise((r) => setTimeout(() => r('pending'), 50)),
    ]);
    expect(settled).toBe('pending');
    socket.receive(ack(2));
    await expect(again).resolves.toEqual({ ok: true, value: undefined });
  });
  it('a logout from a relaying hub made before the owner answered its join closes the socket everywhere', async () => {
    const name = 'relay-early-logout';
    const a = world.startHub('build-a');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    await tabA.api.open('tab-a', relayOptions(name));
    tabA.api.setInterest('tab-a', name, ALL);
    const { socket } = handshake();
    await vi.waitFor(() => expect(tabA.states()).toContain('open:open'));

    // A page of the same login boots in another build's hub and logs out at once (connect()
    // then close(): the session it found had expired). Its hub has not heard the owner yet.
    const b = world.startHub('build-b');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    const opened = tabB.api.open('tab-b', relayOptions(name));
    const closed = tabB.api.close('tab-b', name, 1000, '');
    await opened;
    expect(tabB.states().at(-1)).toBe('closed:logout');
    await expect(closed).resolves.toEqual({ ok: true, value: undefined });

    // The logout reaches the owner (one channel hop later): its socket closes, its tab sees
    // closed:logout, and no push of the session reaches a tab after that.
    await vi.waitFor(() => expect(socket.closeCalls).toHaveLength(1));
    expect(tabA.states().at(-1)).toBe('closed:logout');
    socket.receive(push(1));
    expect([...tabA.frames(), ...tabB.frames()]).toEqual([]);
  });
  it('a send of a relaying hub that died is written once in a new session, though its tab posts it again', async () => {
    const name = 'relay-dead-peer-send';
    const { b, tabB } = await twoHubs(name, {
      reconnect: { minDelay: 10, maxDelay: 10, jitter: 0 },
    });
    const { socket: first, resume } = handshake();
    const s1 = resume.session;
    await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));
    void tabB.api.send('tab-b', name, 'once', { id: 7 });
    await vi.waitFor(() => expect(first.sent).toContain(msg(1, 'once')));
    await vi.waitFor(() =>
      expect(tabB.events).toContainEqual({
        kind: 'written',
        name,
        id: 7,
        wire: { session: s1, id: 1 },
      }),
    );

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
      wire: { session: s1, id: 1 },
    });
    await opened;
    await vi.waitFor(() =>
      expect(tabB2.events.some((event) => event.kind === 'written')).toBe(true),
    );
    const ids = second.sent
      .map((frame) => JSON.parse(String(frame)) as { $ts: string; id?: number; text?: string })
      .filter((frame) => frame.$ts === 'msg' && frame.text === 'once')
      .map((frame) => frame.id);
    for (const id of ids) second.receive(ack(id ?? 0));
    await expect(again).resolves.toEqual({ ok: true, value: undefined });
    // The server passes each id of S2 on once: 'once' reaches the app once.
    expect(ids).toHaveLength(1);
  });
  it('a page that opens with its cursor on a relaying hub still joining gets the pushes it missed', async () => {
    const name = 'relay-second-tab-cursor';
    const a = world.startHub('build-a');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    await tabA.api.open('tab-a', relayOptions(name));
    tabA.api.setInterest('tab-a', name, ALL);
    const { socket, resume } = handshake();
    for (let seq = 1; seq <= 10; seq++) socket.receive(push(seq));
    await vi.waitFor(() => expect(tabA.frames()).toHaveLength(10));

    // A fresh hub of another build: a new tab opens on it without a cursor (its join asks
    // for no catch-up), then, before the owner answered, a reloaded page with push 5.
    const b = world.startHub('build-b');
    const fresh = await world.attachTab(b.hub, 'tab-new');
    const reloaded = await world.attachTab(b.hub, 'tab-reloaded');
    const cursor = { session: resume.session, seq: 5, nextId: 65 };
    // Push 11 comes as the owner handles the second join: after its answer to the first.
    world.hooks.relayReceived = (build, message) => {
      if (build === 'build-a' && message.kind === 'join' && message.cursor) {
        delete world.hooks.relayReceived;
        socket.receive(push(11));
      }
      return undefined;
    };
    const opened = [
      fresh.api.open('tab-new', relayOptions(name)),
      reloaded.api.open('tab-reloaded', relayOptions(name), cursor),
    ];
    fresh.api.setInterest('tab-new', name, ALL);
    reloaded.api.setInterest('tab-reloaded', name, ALL);
    await Promise.all(opened);
    await vi.waitFor(() => expect(reloaded.frames().at(-1)?.seq).toBe(11));
    expect(reloaded.events.some((event) => event.kind === 'resync')).toBe(false);
    expect(reloaded.frames().map((frame) => frame.seq)).toEqual([6, 7, 8, 9, 10, 11]);
  });
  it('a page reloaded on a relaying hub that knew the session from its tabs gets the pushes it missed, not resync', async () => {
    const name = 'relay-learnt-session';
    const a = world.startHub('build-a');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    await tabA.api.open('tab-a', relayOptions(name));
    tabA.api.setInterest('tab-a', name, ALL);
    const { socket, resume } = handshake();
    // A fresh hub (its worker died) learns the session from its tab's cursor; the owner's
    // answer names the same one, so no cursor is told to it again.
    const b = world.startHub('build-b');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    const cursor = { session: resume.session, seq: 0, nextId: 65 };
    await tabB.api.open('tab-b', relayOptions(name), cursor);
    tabB.api.setInterest('tab-b', name, ALL);
    await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
    socket.receive(push(1));
    await vi.waitFor(() => expect(tabB.frames()).toHaveLength(1));

    // Its page reloads with the cursor it saved before push 1: the hub kept push 1 for it.
    const reloaded = await world.attachTab(b.hub, 'tab-reloaded');
    await reloaded.api.open('tab-reloaded', relayOptions(name), cursor);
    reloaded.api.setInterest('tab-reloaded', name, ALL);
    await vi.waitFor(() => expect(reloaded.frames().map((frame) => frame.seq)).toEqual([1]));
    expect(reloaded.events.some((event) => event.kind === 'resync')).toBe(false);
  });
  it('a relayed send the owner wrote is not rejected as not delivered by a logout', async () => {
    const name = 'relay-logout-written';
    const { tabB } = await twoHubs(name);
    const { socket } = handshake();
    await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));
    const sent = tabB.api.send('tab-b', name, 'order #1', { id: 1 });
    await vi.waitFor(() => expect(socket.sent).toContain(msg(1, 'order #1')));
    tabB.api.close('tab-b', name, 1000, '');
    // The server may have it: its fate is unknown, not "not delivered".
    await expect(sent).resolves.toMatchObject({ ok: false, error: { code: 'TS_ERR_UNCONFIRMED' } });
  });
  it('a relayed send the owner has not answered when its hub logs out is not rejected as not delivered', async () => {
    const name = 'relay-logout-in-flight';
    const { tabB } = await twoHubs(name);
    const { socket } = handshake();
    await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));
    // The logout goes in the same task: the owner hears the send first and numbers it, but
    // writes it only on its relaying hub's answer, which, logged out, holds it no longer.
    const sent = tabB.api.send('tab-b', name, 'order #1', { id: 1 });
    tabB.api.close('tab-b', name, 1000, '');
    await expect(sent).resolves.toMatchObject({ ok: false, error: { code: 'TS_ERR_UNCONFIRMED' } });
    await vi.waitFor(() => expect(socket.closeCalls).not.toEqual([]));
    expect(socket.sent.join()).not.toContain('order #1');
  });
});

describe('RelayPeer, joining', () => {
  it('waits for its catch-up only for numbered pushes: a plain server’s frames pass at once', () => {
    const posted: unknown[] = [];
    const frames: unknown[] = [];
    const ignore = () => {};
    const peer = new RelayPeer(
      { postMessage: (message) => posted.push(message) },
      'p',
      'build-p',
      'ws://127.0.0.1:9/ws',
      {
        state: ignore,
        frame: (frame) => frames.push(frame.data),
        error: ignore,
        resync: ignore,
        cursor: ignore,
        builds: ignore,
      },
      { session: 's', seq: 2, nextId: 1 },
    );
    const status = { state: 'open' as const, generation: 1, failedAttempts: 0 };
    const cursor = { session: 's', seq: 4, nextId: 1 };
    const from = { v: 1, from: 'owner' };
    peer.receive({ ...from, kind: 'owner', build: 'b', url: '', status, cursor, joined: 'q' });
    const relayed = [{ data: 'plain' }, { data: 4, seq: 4 }];
    peer.receive({ ...from, kind: 'event', event: { kind: 'frames', name: 'x', frames: relayed } });
    expect(frames).toEqual(['plain']);
    peer.receive({ ...from, kind: 'owner', build: 'b', url: '', status, cursor, joined: 'p' });
    const missed = [3, 4].map((seq) => ({ data: seq, seq }));
    peer.receive({
      ...from,
      kind: 'event',
      to: 'p',
      event: { kind: 'frames', name: 'x', frames: missed },
    });
    expect(frames).toEqual(['plain', 3, 4]);
  });
  it('keeps the session the owner names with a message id, whatever cursor it holds itself', async () => {
    const ignore = () => {};
    const peer = new RelayPeer(
      { postMessage: ignore },
      'p',
      'build-p',
      'ws://127.0.0.1:9/ws',
      {
        state: ignore,
        frame: ignore,
        error: ignore,
        resync: ignore,
        cursor: ignore,
        builds: ignore,
      },
      { session: 'stale', seq: 2, nextId: 1 },
    );
    const status = { state: 'open' as const, generation: 1, failedAttempts: 0 };
    const cursor = { session: 'live', seq: 4, nextId: 1 };
    const from = { v: 1, from: 'owner' };
    peer.receive({ ...from, kind: 'owner', build: 'b', url: '', status, cursor, joined: 'q' });
    void peer.send('x');
    peer.receive({ ...from, kind: 'numbered', to: 'p', id: 1, wire: 7, session: 'live' });
    expect(peer.takeSends()[0]?.wire).toEqual({ session: 'live', id: 7 });
  });
});
