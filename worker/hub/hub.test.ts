import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ConnectionOptions, resolveOptions } from '../../protocol/connection-options';
import { hubLockName, tabLockName } from '../../protocol/locks';
import type {
  ConnectionSnapshot,
  Outcome,
  TabEvent,
  TabEventMessage,
} from '../../protocol/tab-hub';
import type { LockWaiter } from '../platform';
import { RECENT_FRAMES } from '../share/recent-frames';
import { HELLO, resumed, resyncOnto } from '../test-support/connection-harness';
import { fakeEnvironment } from '../test-support/fake-socket';
import { Hub } from './hub';

/**
 * Web Locks where the test decides when a tab's lock is released (the tab died). A worker's
 * own lock is free: granted at once, and held until its callback's promise settles.
 */
function fakeLocks() {
  const waiting = new Map<string, () => void>();
  const held = new Set<string>();
  const locks: LockWaiter = {
    request: (name, { signal }, callback) =>
      new Promise((resolve, reject) => {
        if (name.startsWith('tabsocket:worker:')) {
          held.add(name);
          const done = Promise.resolve(callback() as unknown);
          void done.then(() => {
            held.delete(name);
            resolve(undefined);
          });
          return;
        }
        waiting.set(name, () => resolve(callback()));
        signal?.addEventListener('abort', () => {
          waiting.delete(name);
          reject(new DOMException('aborted', 'AbortError'));
        });
      }),
  };
  const release = (tabId: string) => waiting.get(tabLockName(tabId))?.();
  return { locks, waiting, held, release };
}

/** A hub alone: no BroadcastChannel, so it owns every socket itself (relay.test.ts has the rest). */
const NO_RELAY = { openChannel: undefined, build: 'test' };

function setup() {
  const fake = fakeEnvironment();
  const lockControl = fakeLocks();
  const tasks: Array<() => void> = [];
  const hub = new Hub({
    ...fake.env,
    ...NO_RELAY,
    locks: lockControl.locks,
    schedule: (task) => tasks.push(task),
  });
  const events = new Map<string, TabEvent[]>();
  const attach = (tabId: string) => {
    events.set(tabId, []);
    const api = hub.api({
      postMessage: (message: TabEventMessage) => events.get(tabId)?.push(message.tabsocket),
    });
    api.attach(tabId, true);
    return api;
  };
  const eventsOf = (tabId: string, kind?: TabEvent['kind']) =>
    (events.get(tabId) ?? []).filter((event) => kind === undefined || event.kind === kind);
  /**
   * The frames a tab received, once the batches gathered so far were posted; without the date
   * the socket heard each (`TabFrame.at`), as the app sees them.
   */
  const framesOf = (tabId: string) => {
    while (tasks.length > 0) tasks.shift()?.();
    return eventsOf(tabId, 'frames').flatMap((event) =>
      event.kind === 'frames' ? event.frames.map(({ at, ...frame }) => frame) : [],
    );
  };
  return { hub, attach, eventsOf, framesOf, tasks, ...fake, ...lockControl };
}

function options(overrides: Partial<ConnectionOptions> = {}) {
  return resolveOptions({
    url: 'ws://127.0.0.1:9/ws?token=a',
    heartbeat: false,
    gracePeriod: 5_000,
    ...overrides,
  });
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Hub', () => {
  describe('url functions', () => {
    const provided = () => options({ url: () => '', connectTimeout: 1_000 });

    it("asks the tabs' functions: the oldest first, the next once it left (its lock went)", async () => {
      const { attach, sockets, latest, release } = setup();
      attach('a').open('a', provided(), undefined, async () => 'ws://127.0.0.1:9/ws?token=from-a');
      attach('b').open('b', provided(), undefined, async () => 'ws://127.0.0.1:9/ws?token=from-b');
      await vi.advanceTimersByTimeAsync(0);
      latest().accept();
      release('a');
      await vi.advanceTimersByTimeAsync(0);
      latest().drop(4401);
      await vi.advanceTimersByTimeAsync(0);
      expect(sockets.map((socket) => socket.url)).toEqual([
        'ws://127.0.0.1:9/ws?token=from-a',
        'ws://127.0.0.1:9/ws?token=from-b',
      ]);
    });

    it('fails each attempt with TS_ERR_URL_PROVIDER while no tab gave a function, and says so in the state', async () => {
      const { attach, sockets, eventsOf } = setup();
      attach('a').open('a', provided());
      await vi.advanceTimersByTimeAsync(0);
      expect(sockets).toHaveLength(0);
      expect(eventsOf('a', 'error')).toMatchObject([
        { error: { code: 'TS_ERR_URL_PROVIDER', message: expect.stringContaining('no tab') } },
      ]);
      expect(eventsOf('a', 'state').at(-1)).toMatchObject({
        state: 'backoff',
        detail: { reason: 'url-provider', attempt: 1 },
      });
    });

    it('keeps the url of a tab that gives one out of the identity: two functions are one login', async () => {
      const { attach, sockets, hub } = setup();
      attach('a').open('a', provided(), undefined, async () => 'ws://127.0.0.1:9/ws?token=1');
      await vi.advanceTimersByTimeAsync(0);
      attach('b').open('b', provided(), undefined, async () => 'ws://127.0.0.1:9/ws?token=2');
      await vi.advanceTimersByTimeAsync(0);
      expect(sockets).toHaveLength(1);
      expect(hub.inspect('default')).toMatchObject({
        url: 'tabsocket:url-provided',
        tabs: ['a', 'b'],
      });
    });
  });

  describe('#open()', () => {
    it('gives every tab that opens the same name and url one shared socket', () => {
      const { attach, sockets, hub } = setup();
      const tabs = ['a', 'b', 'c'].map((id) => [id, attach(id)] as const);
      for (const [id, api] of tabs) api.open(id, options());
      expect(sockets).toHaveLength(1);
      expect(hub.inspect('default')?.tabs).toEqual(['a', 'b', 'c']);
    });

    it('answers the joining tab with the current state', () => {
      const { attach, latest } = setup();
      attach('a').open('a', options());
      latest().accept();
      const outcome = attach('b').open('b', options());
      expect(outcome).toMatchObject({ ok: true, value: { state: 'open', tabs: ['a', 'b'] } });
    });

    it('answers a second open of a tab (a second handle) with a cursor that counts only the pushes posted to it, also during a burst', () => {
      const { attach, latest, eventsOf, tasks } = setup();
      const a = attach('a');
      a.open('a', options());
      a.setInterest('a', 'default', { all: true, topics: [] });
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      const push = (seq: number) => latest().receive(`{"$ts":"push","seq":${seq},"data":${seq}}`);
      const given = () =>
        eventsOf('a', 'frames').flatMap((event) =>
          event.kind === 'frames' ? event.frames.map((frame) => frame.seq) : [],
        );
      const cursorOf = (outcome: unknown) =>
        (outcome as Outcome<ConnectionSnapshot>).ok &&
        (outcome as { value: ConnectionSnapshot }).value.cursor?.seq;
      // Between bursts: nothing waits for the next task.
      push(1);
      while (tasks.length > 0) tasks.shift()?.();
      expect(cursorOf(a.open('a', options()))).toBe(1);
      expect(given()).toEqual([1]);
      // During a burst: 3 and 4 wait for the next task when the tab opens again.
      push(2);
      push(3);
      push(4);
      const answer = a.open('a', options());
      expect(given()).toEqual([1, 2, 3, 4]);
      expect(cursorOf(answer)).toBe(4);
    });

    it('keeps connections of different names apart', () => {
      const { attach, sockets } = setup();
      const api = attach('a');
      api.open('a', options({ name: 'chat' }));
      api.open('a', options({ name: 'prices', url: 'ws://127.0.0.1:9/prices' }));
      expect(sockets.map((socket) => socket.url)).toEqual([
        'ws://127.0.0.1:9/ws?token=a',
        'ws://127.0.0.1:9/prices',
      ]);
    });

    it('replaces the socket when a tab opens the name with another url (re-login)', async () => {
      const { attach, sockets, eventsOf } = setup();
      const a = attach('a');
      const b = attach('b');
      a.open('a', options());
      sockets[0]?.accept();
      b.open('b', options());
      a.close('a', 'default', 1000, '');
      a.open('a', options());
      const queued = b.send('b', 'default', 'for-old-login');
      b.open('b', options({ url: 'ws://127.0.0.1:9/ws?token=b' }));
      expect(sockets).toHaveLength(3);
      expect(sockets[1]?.closeCalls).toEqual([{ code: 1000, reason: '' }]);
      expect(await queued).toMatchObject({ ok: false, error: { code: 'TS_ERR_CLOSED' } });
      for (const tab of ['a', 'b']) {
        const states = eventsOf(tab, 'state').slice(-2);
        expect(states).toMatchObject([
          { state: 'closed', detail: { reason: 'replaced' } },
          { state: 'connecting', detail: { reason: 'start' } },
        ]);
      }
      sockets[2]?.accept();
      vi.advanceTimersByTime(60_000);
      expect(sockets).toHaveLength(3);
    });

    it('refuses a tab that did not attach', () => {
      const { hub } = setup();
      const api = hub.api({ postMessage: () => {} });
      expect(api.open('ghost', options())).toMatchObject({
        ok: false,
        error: { code: 'TS_ERR_RELEASED' },
      });
    });
  });

  describe('fan-out', () => {
    it('delivers each frame exactly once to each tab that wants all frames', () => {
      const { attach, latest, framesOf } = setup();
      for (const id of ['a', 'b']) {
        const api = attach(id);
        api.open(id, options());
        api.setInterest(id, 'default', { all: true, topics: [] });
      }
      attach('c').open('c', options());
      latest().accept();
      latest().receive('{"n":1}');
      latest().receive('{"n":2}');
      expect(framesOf('a')).toEqual([{ data: { n: 1 } }, { data: { n: 2 } }]);
      expect(framesOf('b')).toHaveLength(2);
      expect(framesOf('c')).toEqual([]);
    });

    it('routes topic frames only to the tabs subscribed to the topic', () => {
      const { attach, latest, framesOf } = setup();
      const a = attach('a');
      a.open('a', options());
      a.setInterest('a', 'default', { all: false, topics: ['chat'] });
      const b = attach('b');
      b.open('b', options());
      b.setInterest('b', 'default', { all: false, topics: ['prices'] });
      latest().accept();
      latest().receive('{"topic":"chat","text":"hi"}');
      latest().receive('{"topic":"prices","p":1}');
      latest().receive('{"untagged":true}');
      expect(framesOf('a').map((frame) => frame.data)).toEqual([{ topic: 'chat', text: 'hi' }]);
      expect(framesOf('b')).toHaveLength(1);
    });

    it('tells a hello-speaking server the union of the tabs topics, and drops those of a tab that leaves', () => {
      const { attach, latest } = setup();
      const a = attach('a');
      a.open('a', options());
      a.setInterest('a', 'default', { all: false, topics: ['chat'] });
      const b = attach('b');
      b.open('b', options());
      b.setInterest('b', 'default', { all: false, topics: ['prices', 'chat'] });
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      b.leave('b');
      expect(latest().sent.slice(1)).toEqual([
        '{"$ts":"sub","topics":["chat","prices"]}',
        '{"$ts":"sub","topics":["chat"]}',
      ]);
    });

    it('refuses to the tab that asked the topics over the limits, and the others keep theirs', () => {
      const { attach, latest, eventsOf } = setup();
      const limits = { maxTopics: 3, maxTopicLength: 5 };
      const a = attach('a');
      a.open('a', options({ limits }));
      a.setInterest('a', 'default', { all: false, topics: ['chat', 'news'] });
      const b = attach('b');
      b.open('b', options({ limits }));
      b.setInterest('b', 'default', { all: false, topics: ['chat', 'toolong', 'x', 'y'] });
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      expect(latest().sent.slice(1)).toEqual(['{"$ts":"sub","topics":["chat","news","x"]}']);
      expect(eventsOf('a', 'error')).toEqual([]);
      expect(eventsOf('b', 'error')).toEqual([
        {
          kind: 'error',
          name: 'default',
          error: { code: 'TS_ERR_TOO_LARGE', message: expect.stringContaining('2 topics') },
          refusedTopics: ['toolong', 'y'],
        },
      ]);
      // Room made by another tab is taken by the next interest of this one.
      a.setInterest('a', 'default', { all: false, topics: ['chat'] });
      b.setInterest('b', 'default', { all: false, topics: ['chat', 'x', 'y'] });
      expect(latest().sent.at(-1)).toBe('{"$ts":"sub","topics":["chat","x","y"]}');
    });

    it('fits a diff to the counted union: its removals make room, its adds past maxTopics are refused to its tab', () => {
      const { attach, latest, eventsOf } = setup();
      const limits = { maxTopics: 3, maxTopicLength: 5 };
      const a = attach('a');
      a.open('a', options({ limits }));
      a.setInterest('a', 'default', { all: false, topics: ['chat', 'news'] });
      const b = attach('b');
      b.open('b', options({ limits }));
      b.setInterest('b', 'default', { all: false, topics: ['chat'] });
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      // 'chat' is a's and b's, 'news' only a's: dropping 'news' frees one place for 'x' and 'y'.
      a.setInterest('a', 'default', {
        all: false,
        add: ['x', 'toolong', 'y', 'z'],
        remove: ['news'],
      });
      expect(latest().sent.at(-1)).toBe('{"$ts":"sub","topics":["chat","x","y"]}');
      expect(eventsOf('b', 'error')).toEqual([]);
      expect(eventsOf('a', 'error')).toEqual([
        {
          kind: 'error',
          name: 'default',
          error: {
            code: 'TS_ERR_TOO_LARGE',
            message: expect.stringContaining('2 topics were refused: 1 over'),
          },
          refusedTopics: ['toolong', 'z'],
        },
      ]);
      // A refused topic the tab drops changes nothing; a full union refuses b's new one too.
      a.setInterest('a', 'default', { all: false, add: [], remove: ['z'] });
      b.setInterest('b', 'default', { all: false, add: ['z'], remove: [] });
      expect(eventsOf('b', 'error')).toHaveLength(1);
      expect(latest().sent.at(-1)).toBe('{"$ts":"sub","topics":["chat","x","y"]}');
      a.setInterest('a', 'default', { all: false, add: [], remove: ['x'] });
      b.setInterest('b', 'default', { all: false, add: ['z'], remove: [] });
      expect(latest().sent.at(-1)).toBe('{"$ts":"sub","topics":["chat","y","z"]}');
    });

    it('applies a diff of topics, counted over the tabs: the server hears of a topic when the last tab drops it', () => {
      const { attach, latest, framesOf } = setup();
      const a = attach('a');
      a.open('a', options());
      a.setInterest('a', 'default', { all: false, topics: ['chat'] });
      const b = attach('b');
      b.open('b', options());
      b.setInterest('b', 'default', { all: false, topics: ['chat'] });
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      expect(
        a.setInterest('a', 'default', { all: false, add: ['prices'], remove: ['chat'] }),
      ).toEqual({ ok: true, value: undefined });
      latest().receive('{"topic":"chat"}');
      latest().receive('{"topic":"prices"}');
      expect(framesOf('a').map((frame) => frame.topic)).toEqual(['prices']);
      expect(framesOf('b').map((frame) => frame.topic)).toEqual(['chat']);
      // A diff that names what the tab holds already, or never held, changes nothing.
      b.setInterest('b', 'default', { all: false, add: ['chat'], remove: ['prices'] });
      b.setInterest('b', 'default', { all: false, add: [], remove: ['chat'] });
      expect(latest().sent.slice(1)).toEqual([
        '{"$ts":"sub","topics":["chat"]}',
        '{"$ts":"sub","topics":["chat","prices"]}',
        '{"$ts":"sub","topics":["prices"]}',
      ]);
    });

    it('gives a tab that comes back behind the stream (a reload the socket outlived) the pushes it missed, then the live ones', () => {
      const { attach, latest, framesOf, hub } = setup();
      const a = attach('a');
      a.open('a', options());
      a.setInterest('a', 'default', { all: true, topics: [] });
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      const push = (seq: number) => latest().receive(`{"$ts":"push","seq":${seq},"data":${seq}}`);
      push(1);
      push(2);
      const cursor = hub.inspect('default')?.cursor;
      expect(cursor).toMatchObject({ seq: 2 });
      a.leave('a');
      push(3);
      push(4);
      // The reloaded page: its interest arrives after open, and nothing may fall between.
      const b = attach('b');
      b.open('b', options(), cursor);
      push(5);
      b.setInterest('b', 'default', { all: false, topics: [] });
      expect(framesOf('b').map((frame) => frame.seq)).toEqual([3, 4, 5]);
    });

    it('sends resync to a tab that comes back further behind than the pushes kept', () => {
      const { attach, latest, eventsOf, hub } = setup();
      const a = attach('a');
      a.open('a', options());
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      const cursor = hub.inspect('default')?.cursor;
      for (let seq = 1; seq <= RECENT_FRAMES + 1; seq++) {
        latest().receive(`{"$ts":"push","seq":${seq},"data":${seq}}`);
      }
      attach('b').open('b', options(), cursor);
      expect(eventsOf('b', 'resync')).toHaveLength(1);
      expect(eventsOf('b', 'frames')).toEqual([]);
    });

    it('sends resync to a tab that comes back with a cursor of a session the server has since replaced', () => {
      const { attach, latest, eventsOf, hub } = setup();
      const a = attach('a');
      a.open('a', options());
      a.setInterest('a', 'default', { all: true, topics: [] });
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      for (let seq = 1; seq <= 5; seq++)
        latest().receive(`{"$ts":"push","seq":${seq},"data":${seq}}`);
      const cursor = hub.inspect('default')?.cursor;
      a.leave('a');
      latest().drop();
      vi.advanceTimersByTime(1_000);
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resyncOnto('the-new-session-0123'));
      latest().receive('{"$ts":"push","seq":1,"data":"new 1"}');
      // The reloaded page held push 5 of the old session: it missed the new one's push 1.
      attach('b').open('b', options(), cursor);
      expect(eventsOf('b', 'resync')).toHaveLength(1);
    });

    it('hands a tab back with a cursor of a lost session resync, then the new session from its start: every push of it once', () => {
      const { attach, latest, eventsOf, framesOf, hub } = setup();
      const a = attach('a');
      a.open('a', options());
      a.setInterest('a', 'default', { all: true, topics: [] });
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      for (let seq = 1; seq <= 5; seq++)
        latest().receive(`{"$ts":"push","seq":${seq},"data":${seq}}`);
      const cursor = hub.inspect('default')?.cursor;
      a.leave('a');
      // The server restarts without its sessions while the page reloads.
      latest().drop();
      vi.advanceTimersByTime(1_000);
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resyncOnto('the-new-session-0123'));
      for (let seq = 1; seq <= 3; seq++) {
        latest().receive(`{"$ts":"push","seq":${seq},"data":${100 + seq}}`);
      }
      const b = attach('b');
      b.open('b', options(), cursor);
      b.setInterest('b', 'default', { all: true, topics: [] });
      latest().receive('{"$ts":"push","seq":4,"data":104}');
      framesOf('b');
      // The cursor of the new session comes before its pushes, or the tab's cursor of the old
      // one (at 5) would drop pushes 1 to 3 of the new one as seen.
      expect(
        eventsOf('b')
          .filter((event) => event.kind !== 'state' && event.kind !== 'builds')
          .map((event) =>
            event.kind === 'frames'
              ? event.frames.map((frame) => frame.data)
              : event.kind === 'cursor'
                ? `cursor ${event.cursor.session}:${event.cursor.seq}`
                : event.kind,
          ),
      ).toEqual(['opened', 'resync', 'cursor the-new-session-0123:0', [101, 102, 103], [104]]);
    });

    it('sends state changes to every attached tab', () => {
      const { attach, latest, eventsOf } = setup();
      attach('a').open('a', options());
      attach('b').open('b', options());
      latest().accept();
      for (const tab of ['a', 'b']) {
        expect(eventsOf(tab, 'state').at(-1)).toMatchObject({ state: 'open' });
      }
    });
  });

  describe('#close()', () => {
    it('closes the one socket for every tab and reopens only when a tab opens again', () => {
      const { attach, latest, sockets, eventsOf } = setup();
      const a = attach('a');
      const b = attach('b');
      a.open('a', options());
      b.open('b', options());
      latest().accept();
      a.close('a', 'default', 1000, 'logout');
      expect(eventsOf('b', 'state').at(-1)).toMatchObject({
        state: 'closed',
        detail: { reason: 'logout' },
      });
      vi.advanceTimersByTime(60_000);
      expect(sockets).toHaveLength(1);
      b.open('b', options());
      expect(sockets).toHaveLength(2);
      expect(eventsOf('a', 'state').at(-1)).toMatchObject({ state: 'connecting' });
    });
  });

  describe('#release() and #leave()', () => {
    it('keeps the socket for the other tabs when one tab releases', () => {
      const { attach, latest, hub } = setup();
      const a = attach('a');
      a.open('a', options());
      attach('b').open('b', options());
      latest().accept();
      a.release('a', 'default');
      vi.advanceTimersByTime(60_000);
      expect(hub.inspect('default')).toMatchObject({ state: 'open', tabs: ['b'] });
    });

    it('closes the socket gracePeriod after the last tab left', () => {
      const { attach, latest, hub } = setup();
      attach('a').open('a', options());
      latest().accept();
      attach('a').leave('a');
      vi.advanceTimersByTime(4_999);
      expect(latest().closeCalls).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(latest().closeCalls).toEqual([{ code: 1000, reason: '' }]);
      expect(hub.inspect('default')).toBeUndefined();
      expect(vi.getTimerCount()).toBe(0);
    });

    it('keeps the same socket when a tab comes back within the grace period (a reload)', () => {
      const { attach, latest, sockets, hub } = setup();
      attach('old').open('old', options());
      latest().accept();
      attach('old').leave('old');
      vi.advanceTimersByTime(4_000);
      attach('new').open('new', options());
      vi.advanceTimersByTime(60_000);
      expect(sockets).toHaveLength(1);
      expect(hub.inspect('default')).toMatchObject({ state: 'open', tabs: ['new'] });
    });

    it('rejects send from a tab that left', async () => {
      const { attach } = setup();
      const a = attach('a');
      a.open('a', options());
      a.release('a', 'default');
      expect(await a.send('a', 'default', 'x')).toMatchObject({
        ok: false,
        error: { code: 'TS_ERR_RELEASED' },
      });
    });
  });

  describe('dead tabs', () => {
    it('drops a tab whose Web Lock is released (closed or crashed) with its subscriptions', async () => {
      const { attach, latest, hub, release, framesOf } = setup();
      const a = attach('a');
      a.open('a', options());
      a.setInterest('a', 'default', { all: true, topics: [] });
      attach('b').open('b', options());
      latest().accept();
      release('a');
      await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toEqual(['b']));
      latest().receive('{"after":true}');
      expect(framesOf('a')).toEqual([]);
    });

    it('stops waiting on the lock of a tab that left by itself', () => {
      const { attach, waiting } = setup();
      attach('a').leave('a');
      expect(waiting.size).toBe(0);
    });
  });

  describe('its own lock', () => {
    it('answers attach with its id once it holds the lock named for it, until dispose', async () => {
      const { hub, held } = setup();
      const api = hub.api({ postMessage: () => {} });
      const { hubId, workerId } = await api.attach('a', true);
      expect(hubId).toMatch(/^[0-9a-f]{32}$/);
      // The name tabs of 0.1 read: a tab of the deploy before still watches this hub.
      expect(workerId).toBe(hubId);
      expect([...held]).toEqual([hubLockName(hubId ?? '')]);
      expect((await hub.api({ postMessage: () => {} }).attach('b', true)).hubId).toBe(hubId);
      hub.dispose();
      await vi.waitFor(() => expect(held.size).toBe(0));
    });

    it('answers no id without Web Locks, so tabs do not watch it (it tells its writes all the same)', async () => {
      const fake = fakeEnvironment();
      const hub = new Hub({
        ...fake.env,
        ...NO_RELAY,
        locks: undefined,
        schedule: (task) => task(),
      });
      expect(await hub.api({ postMessage: () => {} }).attach('a', true)).toEqual({
        reportsWrites: true,
        tellsOpened: true,
      });
    });

    it('answers no id when the lock is refused', async () => {
      const fake = fakeEnvironment();
      const locks: LockWaiter = { request: () => Promise.reject(new Error('SecurityError')) };
      const hub = new Hub({ ...fake.env, ...NO_RELAY, locks, schedule: (task) => task() });
      expect(await hub.api({ postMessage: () => {} }).attach('a', true)).toEqual({
        reportsWrites: true,
        tellsOpened: true,
      });
    });
  });

  describe("a tab's send tag", () => {
    /** A tab on a session the server attached: what it sent, as the socket got it. */
    function onSession() {
      const context = setup();
      const api = context.attach('a');
      api.open('a', options());
      context.latest().accept();
      context.latest().receive(HELLO);
      context.latest().receive(resumed(0));
      const session = context.hub.inspect('default')?.cursor?.session ?? '';
      const written = () =>
        context
          .latest()
          .sent.slice(1)
          .map((frame) => JSON.parse(String(frame)) as { id: number; text: string });
      return { ...context, api, session, written };
    }

    it('tells the tab, before the write, the message id its send is written under', () => {
      const { api, session, eventsOf, written, latest } = onSession();
      const socket = latest();
      const write = socket.send.bind(socket);
      const toldAtWrite: number[] = [];
      socket.send = (data) => {
        toldAtWrite.push(eventsOf('a', 'written').length);
        write(data);
      };
      void api.send('a', 'default', 'x', { id: 7 });
      expect(written()).toEqual([{ $ts: 'msg', id: 1, text: 'x' }]);
      expect(toldAtWrite).toEqual([1]);
      expect(eventsOf('a', 'written')).toEqual([
        { kind: 'written', name: 'default', id: 7, wire: { session, id: 1 } },
      ]);
    });

    it('writes a send again under its message id of the same session, and takes a new one for another session', () => {
      const { api, session, written } = onSession();
      void api.send('a', 'default', 'again', { id: 1, wire: { session, id: 40 } });
      void api.send('a', 'default', 'other', { id: 2, wire: { session: 'gone', id: 5 } });
      expect(written().map(({ id, text }) => [id, text])).toEqual([
        [40, 'again'],
        [41, 'other'],
      ]);
    });

    it('tells a plain write without a message id', async () => {
      const { attach, latest, eventsOf } = setup();
      const api = attach('a');
      api.open('a', options());
      latest().accept();
      const sent = api.send('a', 'default', 'x', { id: 3 });
      await vi.advanceTimersByTimeAsync(10_000);
      expect(await sent).toEqual({ ok: true, value: undefined });
      expect(eventsOf('a', 'written')).toEqual([{ kind: 'written', name: 'default', id: 3 }]);
    });

    it.each([
      ['a number', 3],
      ['an id of 0', { id: 0 }],
      ['a wire id that is no wire number', { id: 1, wire: { session: 's', id: -1 } }],
      ['a wire without a session', { id: 1, wire: { id: 2 } }],
    ])('refuses %s as a tag, writing nothing', async (_, tag) => {
      const { api, written } = onSession();
      expect(await api.send('a', 'default', 'x', tag as never)).toMatchObject({
        ok: false,
        error: { code: 'TS_ERR_INVALID_ARGUMENT' },
      });
      expect(written()).toEqual([]);
    });
  });

  describe('#network()', () => {
    it('takes every connection offline and back', () => {
      const { attach, hub, sockets } = setup();
      const a = attach('a');
      a.open('a', options({ name: 'one' }));
      a.open('a', options({ name: 'two' }));
      a.network(false);
      expect([hub.inspect('one')?.state, hub.inspect('two')?.state]).toEqual([
        'offline',
        'offline',
      ]);
      a.network(true);
      expect(sockets).toHaveLength(4);
    });

    it('does not cut a backoff short when tabs attach or repeat an online already known', () => {
      const { attach, hub, sockets, latest } = setup();
      const a = attach('a');
      a.open('a', options({ reconnect: { minDelay: 10_000, maxDelay: 10_000, jitter: 0 } }));
      latest().accept();
      latest().drop();
      expect(hub.inspect('default')?.state).toBe('backoff');
      attach('b');
      a.network(true);
      expect(sockets).toHaveLength(1);
      vi.advanceTimersByTime(10_000);
      expect(sockets).toHaveLength(2);
    });

    it('opens a new connection offline while the browser is offline', () => {
      const { attach, hub, sockets } = setup();
      const a = attach('a');
      a.network(false);
      a.open('a', options());
      expect(hub.inspect('default')?.state).toBe('offline');
      expect(sockets).toHaveLength(0);
    });
  });

  describe('what crosses the port is checked again', () => {
    /** What a tab of another build, or a page's script, may post: anything. */
    const anything = (value: unknown) => value as never;

    it.each([
      ['an unknown key', { ...options(), colour: 'red' }, 'option "colour" is not an option'],
      ['a relative url', { ...options(), url: '/ws' }, 'option "url" is not a valid URL'],
      ['an http url', { ...options(), url: 'ftp://x/' }, 'option "url" must use ws:'],
      [
        'a heartbeat interval of 1e12 ms',
        { ...options(), heartbeat: { interval: 1e12, timeout: 1, ping: 'p', pong: 'q' } },
        'option "heartbeat.interval" must be an integer from 1 to 2147483647 ms',
      ],
      ['topicKey "$ts"', { ...options(), topicKey: '$ts' }, 'option "topicKey" must not be "$ts"'],
      ['a NaN outboxLimit', { ...options(), outboxLimit: Number.NaN }, 'option "outboxLimit"'],
      ['null', null, 'option "options" must be an object'],
    ])('refuses options with %s, opening nothing', (_, untrusted, message) => {
      const { attach, sockets, hub } = setup();
      const outcome = attach('a').open('a', anything(untrusted)) as Outcome<unknown>;
      expect(outcome).toMatchObject({ ok: false, error: { code: 'TS_ERR_INVALID_OPTION' } });
      expect(outcome.ok === false && outcome.error.message).toContain(message);
      expect(sockets).toHaveLength(0);
      expect(hub.inspect('default')).toBeUndefined();
    });

    it('opens with the options it checked, defaults filled, not the object it was given', () => {
      const { attach, sockets, hub } = setup();
      const partial = { url: 'ws://127.0.0.1:9/ws', heartbeat: false };
      expect(attach('a').open('a', anything(partial))).toMatchObject({ ok: true });
      expect(sockets).toHaveLength(1);
      expect(hub.inspect('default')).toMatchObject({ name: 'default' });
    });

    it.each([
      ['an object', { text: 'hi' }],
      ['a number', 42],
      ['null', null],
      ['undefined', undefined],
    ])('refuses to send %s, which the socket cannot take', async (_, data) => {
      const { attach, latest } = setup();
      const api = attach('a');
      api.open('a', options());
      latest().accept();
      expect(await api.send('a', 'default', anything(data))).toMatchObject({
        ok: false,
        error: { code: 'TS_ERR_INVALID_ARGUMENT', message: expect.stringContaining('send()') },
      });
      expect(latest().sent).toEqual([]);
    });

    it('sends strings, ArrayBuffers, views and Blobs', async () => {
      const { attach, latest } = setup();
      const api = attach('a');
      api.open('a', options());
      latest().accept();
      const blob = new Blob(['b']);
      const bytes = new Uint8Array([1]);
      const sends = ['s', new ArrayBuffer(1), bytes, new DataView(bytes.buffer), blob].map((data) =>
        api.send('a', 'default', data),
      );
      // A socket is written to once the server showed whether it speaks hello or not.
      await vi.advanceTimersByTimeAsync(10_000);
      for (const outcome of await Promise.all(sends)) {
        expect(outcome).toEqual({ ok: true, value: undefined });
      }
      expect(latest().sent).toHaveLength(5);
    });

    it.each([
      ['null', null],
      ['no topics', { all: true }],
      ['all as a string', { all: 'yes', topics: [] }],
      ['topics as a string', { all: false, topics: 'chat' }],
      ['an empty topic', { all: false, topics: [''] }],
      ['a number as topic', { all: false, topics: [1] }],
      ['a diff without remove', { all: false, add: ['chat'] }],
      ['a diff with an empty topic', { all: false, add: [], remove: [''] }],
      ['both forms at once', { all: false, topics: [], add: [], remove: [] }],
    ])('refuses an interest of %s and keeps the one it had', (_, interest) => {
      const { attach, latest, framesOf } = setup();
      const api = attach('a');
      api.open('a', options());
      api.setInterest('a', 'default', { all: false, topics: ['chat'] });
      expect(api.setInterest('a', 'default', anything(interest))).toMatchObject({
        ok: false,
        error: { code: 'TS_ERR_INVALID_ARGUMENT', message: expect.stringContaining('interest') },
      });
      latest().accept();
      latest().receive('{"topic":"chat"}');
      latest().receive('{"topic":"other"}');
      expect(framesOf('a')).toEqual([{ data: { topic: 'chat' }, topic: 'chat' }]);
    });

    it('answers a good interest with ok', () => {
      const { attach } = setup();
      const api = attach('a');
      api.open('a', options());
      expect(api.setInterest('a', 'default', { all: true, topics: [] })).toEqual({
        ok: true,
        value: undefined,
      });
    });

    it.each([
      ['code 1006', 1006, ''],
      ['code 2999', 2999, ''],
      ['code 5000', 5000, ''],
      ['a fractional code', 3000.5, ''],
      ['a string code', '1000', ''],
      ['a reason of 124 bytes', 1000, 'x'.repeat(124)],
      ['a reason of 62 two-byte characters', 1000, 'é'.repeat(62)],
      ['a reason that is not a string', 1000, 42],
    ])('refuses to close with %s and leaves the socket open', (_, code, closeReason) => {
      const { attach, latest, hub } = setup();
      const api = attach('a');
      api.open('a', options());
      latest().accept();
      expect(api.close('a', 'default', anything(code), anything(closeReason))).toMatchObject({
        ok: false,
        error: { code: 'TS_ERR_INVALID_ARGUMENT', message: expect.stringContaining('close') },
      });
      expect(latest().closeCalls).toEqual([]);
      expect(hub.inspect('default')?.state).toBe('open');
    });

    it('closes with 1000, 3000 to 4999 and a reason of 123 bytes', () => {
      const { attach, latest } = setup();
      const api = attach('a');
      for (const code of [1000, 3000, 4999]) {
        api.open('a', options());
        latest().accept();
        expect(api.close('a', 'default', code, 'x'.repeat(123))).toEqual({
          ok: true,
          value: undefined,
        });
        expect(latest().closeCalls).toEqual([{ code, reason: 'x'.repeat(123) }]);
      }
    });

    it('never attaches a tab id that is not a string, and ignores a network state that is not a boolean', () => {
      const { hub, sockets } = setup();
      const api = hub.api({ postMessage: () => {} });
      api.attach(anything({ id: 'a' }), true);
      expect(api.open(anything({ id: 'a' }), options())).toMatchObject({
        ok: false,
        error: { code: 'TS_ERR_RELEASED' },
      });
      api.attach('a', true);
      api.open('a', options());
      api.network(anything('offline'));
      expect(hub.inspect('default')?.state).toBe('connecting');
      expect(sockets).toHaveLength(1);
    });
  });

  describe('#dispose()', () => {
    it('closes every connection and leaves no timer', () => {
      const { attach, hub, latest } = setup();
      attach('a').open('a', options());
      latest().accept();
      hub.dispose();
      expect(latest().closeCalls).toHaveLength(1);
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});
