import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveOptions } from '../protocol/connection-options';
import type {
  ConnectionSnapshot,
  Interest,
  Outcome,
  TabEvent,
  TabEventMessage,
} from '../protocol/tab-hub';
import { Hub } from '../worker/hub/hub';
import { HELLO, resumed, resumeFrameOf } from '../worker/test-support/connection-harness';
import { fakeEnvironment } from '../worker/test-support/fake-socket';
import { StreamCursors } from './stream-cursors';

const frames = (...seqs: number[]): TabEvent => ({
  kind: 'frames',
  name: 'chat',
  frames: seqs.map((seq) => ({ data: seq, seq })),
});

describe('StreamCursors', () => {
  it('drops the pushes a tab had, after a hub that resumed a little early', () => {
    const cursors = new StreamCursors();
    cursors.tell('chat', { session: 's1', seq: 0, nextId: 1 });
    expect(cursors.pass(frames(1, 2, 3))).toEqual(frames(1, 2, 3));
    expect(cursors.pass(frames(2, 3, 4))).toEqual(frames(4));
    expect(cursors.pass(frames(3, 4))).toBeUndefined();
    expect(cursors.get('chat')).toEqual({ session: 's1', seq: 4, nextId: 1 });
  });

  it('keeps a session fresh only until a cursor of it says a resume was written', () => {
    const cursors = new StreamCursors();
    cursors.tell('chat', { session: 's1', seq: 0, nextId: 65, fresh: true });
    cursors.tell('chat', { session: 's1', seq: 0, nextId: 65, fresh: true });
    expect(cursors.get('chat')).toHaveProperty('fresh', true);
    cursors.tell('chat', { session: 's1', seq: 0, nextId: 65 });
    expect(cursors.get('chat')).not.toHaveProperty('fresh');
    // A stale fresh cursor (a relayed catch-up) does not make it fresh again.
    cursors.tell('chat', { session: 's1', seq: 0, nextId: 65, fresh: true });
    expect(cursors.get('chat')).not.toHaveProperty('fresh');
  });

  it('keeps a session numbered once a cursor of it says a server that numbers pushes had it', () => {
    const cursors = new StreamCursors();
    cursors.tell('chat', { session: 's1', seq: 0, nextId: 65, fresh: true });
    cursors.tell('chat', { session: 's1', seq: 0, nextId: 65, numbered: true });
    expect(cursors.get('chat')).toHaveProperty('numbered', true);
    // A cursor told before the hello (a relayed catch-up, a fresh hub's) does not undo it.
    cursors.tell('chat', { session: 's1', seq: 0, nextId: 129 });
    expect(cursors.get('chat')).toHaveProperty('numbered', true);
  });

  it('moves on past the pushes the tab was passed over for, and passes no empty batch', () => {
    const cursors = new StreamCursors();
    cursors.tell('chat', { session: 's1', seq: 1, nextId: 1 });
    expect(cursors.pass({ kind: 'frames', name: 'chat', frames: [], seq: 3 })).toBeUndefined();
    expect(cursors.get('chat')).toMatchObject({ seq: 3 });
    const batch: TabEvent = { ...frames(4), seq: 6 } as TabEvent;
    expect(cursors.pass(batch)).toBe(batch);
    expect(cursors.get('chat')).toMatchObject({ seq: 6 });
    expect(cursors.pass(frames(5, 6, 7))).toEqual(frames(7));
  });

  it('passes frames without a push number (a plain server) as they are', () => {
    const cursors = new StreamCursors();
    cursors.tell('chat', { session: 's1', seq: 5, nextId: 1 });
    const plain: TabEvent = { kind: 'frames', name: 'chat', frames: [{ data: 'x' }] };
    expect(cursors.pass(plain)).toBe(plain);
  });

  it('starts over with a new session, and moves on within one', () => {
    const cursors = new StreamCursors();
    cursors.tell('chat', { session: 's1', seq: 7, nextId: 4 });
    expect(
      cursors.pass({ kind: 'cursor', name: 'chat', cursor: { session: 's1', seq: 3, nextId: 9 } }),
    ).toBeUndefined();
    expect(cursors.get('chat')).toEqual({ session: 's1', seq: 7, nextId: 9 });
    cursors.tell('chat', { session: 's2', seq: 0, nextId: 1 });
    expect(cursors.pass(frames(1))).toEqual(frames(1));
  });

  describe('across a reload', () => {
    let storage: Map<string, string>;
    beforeEach(() => {
      storage = new Map();
      vi.stubGlobal('sessionStorage', {
        getItem: (key: string) => storage.get(key) ?? null,
        setItem: (key: string, value: string) => storage.set(key, value),
      });
    });
    afterEach(() => vi.unstubAllGlobals());

    it('gives the next page the cursor of the same url, once', () => {
      const before = new StreamCursors();
      before.tell('chat', { session: 's1', seq: 12, nextId: 3 });
      before.save(new Map([['chat', { options: { url: 'wss://a/ws' } }]]));
      const after = new StreamCursors();
      expect(after.takeSaved('chat', 'wss://a/ws')).toEqual({ session: 's1', seq: 12, nextId: 3 });
      expect(after.takeSaved('chat', 'wss://a/ws')).toBeUndefined();
    });

    it('keeps no session for another url (another login) or unreadable storage', () => {
      const before = new StreamCursors();
      before.tell('chat', { session: 's1', seq: 12, nextId: 3 });
      before.save(new Map([['chat', { options: { url: 'wss://a/ws?user=1' } }]]));
      expect(new StreamCursors().takeSaved('chat', 'wss://a/ws?user=2')).toBeUndefined();
      storage.set('tabsocket:cursors', '{not json');
      expect(new StreamCursors().takeSaved('chat', 'wss://a/ws')).toBeUndefined();
    });
  });
});

/**
 * Tabs on a real Hub, each keeping its cursors as the client does; the worker dies and a
 * fresh one takes the tabs back one after the other, as they notice.
 */
function tabsOnHubs() {
  const fake = fakeEnvironment();
  const tasks: Array<() => void> = [];
  const startHub = () =>
    new Hub({
      ...fake.env,
      locks: undefined,
      openChannel: undefined,
      build: 'test',
      schedule: (task) => tasks.push(task),
    });
  let hub = startHub();
  const options = resolveOptions({ url: 'ws://127.0.0.1:9/ws', heartbeat: false });
  const push = (seq: number, topic: string) =>
    fake.latest().receive(JSON.stringify({ $ts: 'push', seq, data: { topic, seq } }));
  const runTasks = () => {
    while (tasks.length > 0) tasks.shift()?.();
  };
  const tab = (tabId: string, interest: Interest) => {
    const cursors = new StreamCursors();
    const events: TabEvent[] = [];
    const open = async () => {
      const api = hub.api({
        postMessage: ({ tabsocket }: TabEventMessage) => {
          const event = cursors.pass(tabsocket);
          if (event) events.push(event);
        },
      });
      await api.attach(tabId, true);
      const outcome = (await api.open(
        tabId,
        options,
        cursors.get('default'),
      )) as Outcome<ConnectionSnapshot>;
      if (outcome.ok) cursors.tell('default', outcome.value.cursor);
      api.setInterest(tabId, 'default', interest);
    };
    const seqs = () =>
      events.flatMap((event) => (event.kind === 'frames' ? event.frames.map((f) => f.seq) : []));
    const resyncs = () => events.filter((event) => event.kind === 'resync').length;
    return { open, seqs, resyncs };
  };
  const killHub = () => {
    hub.dispose();
    hub = startHub();
  };
  return { ...fake, push, runTasks, tab, killHub };
}

describe('StreamCursors with the hub, across a worker death', () => {
  /** Tab `all` wants every push, tab `chat` one topic; pushes 2 and 3 are of another. */
  async function narrowTabAfterDeath(first: 'all' | 'chat') {
    const world = tabsOnHubs();
    const tabs = {
      all: world.tab('all', { all: true, topics: [] }),
      chat: world.tab('chat', { all: false, topics: ['chat'] }),
    };
    await tabs.all.open();
    await tabs.chat.open();
    world.latest().accept();
    world.latest().receive(HELLO);
    world.latest().receive(resumed(0));
    world.push(1, 'chat');
    world.push(2, 'prices');
    world.push(3, 'prices');
    world.runTasks();
    world.killHub();
    const second = first === 'all' ? 'chat' : 'all';
    await tabs[first].open();
    await tabs[second].open();
    world.latest().accept();
    world.latest().receive(HELLO);
    const last = resumeFrameOf(world.latest()).last;
    world.latest().receive(resumed(last));
    for (let seq = last + 1; seq <= 3; seq++) world.push(seq, 'prices');
    world.push(4, 'chat');
    world.runTasks();
    return tabs;
  }

  it('takes a narrow tab back without resync when it reattaches first', async () => {
    const { all, chat } = await narrowTabAfterDeath('chat');
    expect(all.seqs()).toEqual([1, 2, 3, 4]);
    expect(chat.seqs()).toEqual([1, 4]);
    expect(all.resyncs() + chat.resyncs()).toBe(0);
  });

  it('takes a narrow tab back without resync after a tab with a higher cursor: its cursor moved with the pushes it did not want', async () => {
    const { all, chat } = await narrowTabAfterDeath('all');
    expect(all.seqs()).toEqual([1, 2, 3, 4]);
    expect(chat.seqs()).toEqual([1, 4]);
    expect(all.resyncs() + chat.resyncs()).toBe(0);
  });
});
