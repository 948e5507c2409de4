/**
 * The client end to end over comlink: real MessageChannels in this process stand in for the
 * SharedWorker's ports, a real Hub answers on the other side, and only the sockets are fake.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Hub } from '../worker/hub/hub';
import { createHub, exposeHub } from '../worker/serve';
import {
  HELLO,
  handshake,
  resumed,
  resumeFrameOf,
  resyncOnto,
} from '../worker/test-support/connection-harness';
import { FakeLocks } from '../worker/test-support/fake-locks';
import { type FakeSocket, fakeEnvironment } from '../worker/test-support/fake-socket';
import {
  ConnectionClosedError,
  type ConnectionState,
  connect,
  InvalidArgumentError,
  InvalidOptionError,
  OutboxFullError,
  ReleasedError,
  TabSocketError,
  TooLargeError,
  WorkerError,
} from './index';

let hub: Hub;
let sockets: FakeSocket[];
let latest: () => FakeSocket;
/** The window's events, as the tab session listens to them. */
let windowEvents: EventTarget;

/** The worker's ends of the ports each hub answers on, to cut them when it dies. */
let portsOf: Map<Hub, MessagePort[]>;

/** A SharedWorker whose port reaches the test's hub: each `new` is a new tab's view of it. */
class FakeSharedWorker extends EventTarget {
  /** The next this many workers are a dying one: their port leads nowhere. */
  static dying = 0;
  readonly port: MessagePort;
  constructor() {
    super();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    if (FakeSharedWorker.dying > 0) {
      FakeSharedWorker.dying -= 1;
      return;
    }
    exposeHub(hub, port2);
    portsOf.set(hub, [...(portsOf.get(hub) ?? []), port2]);
  }
}

/** A tab: connect() through its own SharedWorker object, as a separate page would. */
function openTab(options: Partial<Parameters<typeof connect>[0]> = {}) {
  return connect({
    url: 'ws://127.0.0.1:9/ws',
    heartbeat: false,
    worker: new SharedWorker(''),
    ...options,
  });
}

function statesOf(socket: { on: ReturnType<typeof openTab>['on'] }) {
  const states: ConnectionState[] = [];
  socket.on('state', (state) => states.push(state));
  return states;
}

/** Lets the ports and the hub's batched frames run: what would arrive has arrived. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise((done) => setTimeout(done, 0));
}

/** The topics of the last `sub` frame written to the current socket. */
function lastSub(): string[] | undefined {
  const subs = latest()
    .sent.map((frame) => String(frame))
    .filter((frame) => frame.startsWith('{"$ts":"sub"'));
  const last = subs.at(-1);
  return last === undefined ? undefined : (JSON.parse(last) as { topics: string[] }).topics;
}

beforeEach(() => {
  const fake = fakeEnvironment();
  sockets = fake.sockets;
  latest = fake.latest;
  hub = createHub({ ...fake.env, locks: undefined });
  portsOf = new Map();
  windowEvents = new EventTarget();
  // A page: connect() under Node alone is server rendering (client/server-render.test.ts).
  vi.stubGlobal('window', globalThis);
  vi.stubGlobal('SharedWorker', FakeSharedWorker);
  vi.stubGlobal('navigator', { onLine: true, locks: undefined });
  vi.stubGlobal('addEventListener', windowEvents.addEventListener.bind(windowEvents));
});

afterEach(() => {
  hub.dispose();
});

describe('connect()', () => {
  it('throws InvalidOptionError before anything reaches the worker', () => {
    expect(() => openTab({ url: 'ftp://example.com' })).toThrow(InvalidOptionError);
    expect(() => openTab({ heartbeat: { interval: -1 } })).toThrow(/heartbeat.interval/);
    expect(() => openTab({ colour: 'red' } as never)).toThrow(/"colour" is not an option/);
    expect(() => openTab({ worker: {} as SharedWorker })).toThrow(InvalidOptionError);
    expect(sockets).toHaveLength(0);
  });

  it('refuses the url a url function takes in the worker: it would be retried forever', () => {
    expect(() => openTab({ url: 'tabsocket:url-provided' })).toThrow(
      'option "url" is the name a url function takes in the worker',
    );
    expect(sockets).toHaveLength(0);
  });

  it('takes no tab lock for a worker option that throws, however often it is called', () => {
    const locks = new FakeLocks();
    const request = vi.spyOn(locks, 'request');
    vi.stubGlobal('navigator', { onLine: true, locks });
    for (let call = 0; call < 3; call++) {
      const worker = (): SharedWorker => {
        throw new Error('no worker here');
      };
      expect(() => connect({ url: 'ws://127.0.0.1:9/ws', worker })).toThrow('no worker here');
    }
    expect(request).not.toHaveBeenCalled();
  });

  it('shares one socket between tabs and delivers each frame once to each', async () => {
    const tabA = openTab();
    const tabB = openTab();
    const received = { a: [] as unknown[], b: [] as unknown[] };
    tabA.on('message', (data) => received.a.push(data));
    tabB.on('message', (data) => received.b.push(data));
    await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(2));
    latest().accept();
    await vi.waitFor(() => expect([tabA.state, tabB.state]).toEqual(['open', 'open']));
    latest().receive('{"n":1}');
    latest().receive('{"n":2}');
    await vi.waitFor(() => expect(received.b).toHaveLength(2));
    expect(received).toEqual({ a: [{ n: 1 }, { n: 2 }], b: [{ n: 1 }, { n: 2 }] });
    expect(sockets).toHaveLength(1);
  });

  it('keeps the interest of a handle connected in the task the last one was released in', async () => {
    // Found by the simulation (sim/README.md): the released login's pending interest update
    // took the new login's state, so the new handle heard nothing.
    const worker = new SharedWorker('');
    const first = connect({ url: 'ws://127.0.0.1:9/ws', heartbeat: false, worker });
    first.on('message', () => {});
    void first.release();
    const second = connect({ url: 'ws://127.0.0.1:9/ws', heartbeat: false, worker });
    const received: unknown[] = [];
    second.on('message', (data) => received.push(data));
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    await vi.waitFor(() => expect(second.state).toBe('open'));
    latest().receive('{"n":1}');
    await vi.waitFor(() => expect(received).toEqual([{ n: 1 }]));
  });

  it('runs a login after a logout with its own options, not the logged-out one', async () => {
    const worker = new SharedWorker('');
    const url = 'ws://127.0.0.1:9/ws';
    const first = connect({ url, heartbeat: false, worker });
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    await vi.waitFor(() => expect(first.state).toBe('open'));
    await first.close();
    await vi.waitFor(() => expect(first.state).toBe('closed'));

    // A new login (another user, say) that asks for text, on the connection the worker
    // still keeps, logged out.
    const second = connect({ url, heartbeat: false, format: 'text', worker });
    const received: unknown[] = [];
    second.on('message', (data) => received.push(data));
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    latest().accept();
    await vi.waitFor(() => expect(second.state).toBe('open'));
    latest().receive('{"n":1}');
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(received).toEqual(['{"n":1}']);
  });

  it("retires the tab's older handles on a new login, so no push arrives twice", async () => {
    const worker = new SharedWorker('');
    const url = 'ws://127.0.0.1:9/ws?token=a';
    const first = connect({ url, heartbeat: false, worker });
    const received: unknown[] = [];
    first.on('message', (data) => received.push(['first', data]));
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    await vi.waitFor(() => expect(first.state).toBe('open'));
    await first.close();
    const second = connect({ url: `${url}b`, heartbeat: false, worker });
    second.on('message', (data) => received.push(['second', data]));
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    latest().accept();
    await vi.waitFor(() => expect(second.state).toBe('open'));
    latest().receive('{"n":1}');
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(received).toEqual([['second', { n: 1 }]]);
    expect(first.state).toBe('closed');
    await expect(first.send('x')).rejects.toBeInstanceOf(ReleasedError);
  });

  it('retires the older handle on close() then connect() in the same tick, same url or another: each push once', async () => {
    const worker = new SharedWorker('');
    for (const next of ['ws://127.0.0.1:9/ws', 'ws://127.0.0.1:9/ws?token=b']) {
      const before = sockets.length;
      let socket = connect({ url: 'ws://127.0.0.1:9/ws', heartbeat: false, worker });
      const received: string[] = [];
      socket.on('message', () => received.push('old'));
      await vi.waitFor(() => expect(sockets.length).toBeGreaterThan(before));
      latest().accept();
      await vi.waitFor(() => expect(socket.state).toBe('open'));
      const old = socket;
      // The blog posts' pattern: no await between the logout and the login.
      void socket.close();
      socket = connect({ url: next, heartbeat: false, worker });
      socket.on('message', () => received.push('new'));
      await vi.waitFor(() => expect(sockets.length).toBeGreaterThan(before + 1));
      latest().accept();
      await vi.waitFor(() => expect(socket.state).toBe('open'));
      latest().receive('{"n":1}');
      await vi.waitFor(() => expect(received).toContain('new'));
      expect(received).toEqual(['new']);
      expect(old.state).toBe('closed');
      expect(sockets.filter((one) => one.closeCalls.length === 0)).toHaveLength(1);
      await socket.close();
    }
  });

  it('keeps a closed handle closed when the handle of the next login is released in the same tick', async () => {
    const worker = new SharedWorker('');
    const old = connect({ url: 'ws://127.0.0.1:9/ws', heartbeat: false, worker });
    const received: unknown[] = [];
    old.on('message', (data) => received.push(data));
    const states: string[] = [];
    old.on('state', (state) => states.push(state));
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    latest().receive(HELLO);
    latest().receive(resumed(0));
    await vi.waitFor(() => expect(old.state).toBe('open'));

    // A component unmounted right after the re-login, all in one task.
    void old.close();
    const next = connect({ url: 'ws://127.0.0.1:9/ws', heartbeat: false, worker });
    void next.release();
    await settle();
    expect(old.state).toBe('closed');
    states.length = 0;

    // The next login's socket, which the tab asked for and let go of at once.
    latest().accept();
    latest().receive(HELLO);
    latest().receive(resumed(0));
    latest().receive('{"$ts":"push","seq":1,"data":{"n":1}}');
    await settle();
    expect(states).toEqual([]);
    expect(old.state).toBe('closed');
    expect(received).toEqual([]);
    // No handle of the tab is left on the name: the tab left the connection.
    expect(hub.inspect('default')?.tabs ?? []).toEqual([]);
  });

  it('keeps the new login when connect() with another url comes first and close() on the old handle after it', async () => {
    const worker = new SharedWorker('');
    const old = connect({ url: 'ws://127.0.0.1:9/ws?token=a', heartbeat: false, worker });
    const received: string[] = [];
    old.on('message', () => received.push('old'));
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    await vi.waitFor(() => expect(old.state).toBe('open'));
    const next = connect({ url: 'ws://127.0.0.1:9/ws?token=b', heartbeat: false, worker });
    next.on('message', () => received.push('new'));
    // The new login retired the old handle: its close() leaves the new login alone.
    await expect(old.close()).rejects.toBeInstanceOf(ReleasedError);
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    latest().accept();
    await vi.waitFor(() => expect(next.state).toBe('open'));
    latest().receive('{"n":1}');
    await vi.waitFor(() => expect(received).toEqual(['new']));
    expect(sockets.filter((one) => one.closeCalls.length === 0)).toHaveLength(1);
  });

  it('retires the older handle of a tab whose connect() starts the login another tab just closed', async () => {
    const url = 'ws://127.0.0.1:9/ws';
    const workerA = new SharedWorker('');
    const workerB = new SharedWorker('');
    const a = connect({ url, heartbeat: false, worker: workerA });
    const b = connect({ url, heartbeat: false, worker: workerB });
    const received: string[] = [];
    b.on('message', () => received.push('b old'));
    await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(2));
    latest().accept();
    await vi.waitFor(() => expect([a.state, b.state]).toEqual(['open', 'open']));
    // Tab A logs out while tab B, which still sees `open`, connects again.
    void a.close();
    const b2 = connect({ url, heartbeat: false, worker: workerB });
    b2.on('message', () => received.push('b new'));
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    latest().accept();
    await vi.waitFor(() => expect(b2.state).toBe('open'));
    latest().receive('{"n":1}');
    await vi.waitFor(() => expect(received).toContain('b new'));
    expect(received).toEqual(['b new']);
    expect(b.state).toBe('closed');
  });

  it('keeps every handle of the same session in a tab (two components, one login)', async () => {
    const worker = new SharedWorker('');
    const a = connect({ url: 'ws://127.0.0.1:9/ws', heartbeat: false, worker });
    const b = connect({ url: 'ws://127.0.0.1:9/ws', heartbeat: false, worker });
    const received: string[] = [];
    a.on('message', () => received.push('a'));
    b.on('message', () => received.push('b'));
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    latest().receive('{}');
    await vi.waitFor(() => expect(received).toHaveLength(2));
    expect(received.sort()).toEqual(['a', 'b']);
  });

  it('tells a tab that joins an open socket its state', async () => {
    const tabA = openTab();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    await vi.waitFor(() => expect(tabA.state).toBe('open'));
    const tabB = openTab();
    const states = statesOf(tabB);
    await vi.waitFor(() => expect(tabB.state).toBe('open'));
    expect(states).toEqual(['open']);
  });

  // Seed 3008 (every fault): a second handle made in the tab as the worker's `resync` of a
  // lost session was on its way to the tab got it too, though it missed nothing.
  it('tells a handle made as a resync is on its way none: the resync is of the stream before it', async () => {
    const worker = new SharedWorker('');
    const first = connect({ url: 'ws://127.0.0.1:9/ws', heartbeat: false, worker });
    const resyncs: string[] = [];
    first.on('resync', () => resyncs.push('first'));
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    handshake(latest());
    await vi.waitFor(() => expect(first.state).toBe('open'));
    latest().drop();
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    latest().accept();
    latest().receive(HELLO);
    // The server lost the session: the worker tells the tab `resync`, which it reads later.
    latest().receive(resyncOnto('the-next-session-012'));
    const second = connect({ url: 'ws://127.0.0.1:9/ws', heartbeat: false, worker });
    second.on('resync', () => resyncs.push('second'));
    await vi.waitFor(() => expect(second.state).toBe('open'));
    await settle();
    expect(resyncs).toEqual(['first']);
  });
});

describe('TabSocket', () => {
  describe('#send()', () => {
    it('resolves once written, JSON-encoding values that are not text or binary', async () => {
      const tab = openTab();
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      await tab.send({ hello: 'world' });
      await tab.send('raw');
      expect(latest().sent).toEqual(['{"hello":"world"}', 'raw']);
    });

    it('rejects with the typed error, code intact, across the worker boundary', async () => {
      const tab = openTab({ outboxLimit: 1 });
      const first = tab.send('queued');
      const overflow = tab.send('overflow');
      await expect(overflow).rejects.toBeInstanceOf(OutboxFullError);
      await expect(overflow).rejects.toMatchObject({ code: 'TS_ERR_OUTBOX_FULL' });
      await tab.close();
      await expect(first).rejects.toBeInstanceOf(ConnectionClosedError);
    });

    it('rejects at once, never written, a message over maxPayload once escaped in its msg frame', async () => {
      const tab = openTab();
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      // 600,000 characters, under 1 MiB as text; 1.2 MB once each quote is escaped.
      await expect(tab.send('"'.repeat(600_000))).rejects.toBeInstanceOf(TooLargeError);
      await expect(tab.send(new Uint8Array(1024 * 1024 + 1))).rejects.toMatchObject({
        code: 'TS_ERR_TOO_LARGE',
      });
      expect(latest().sent.slice(1)).toEqual([]);
      const small = tab.send('small');
      await vi.waitFor(() => expect(latest().sent).toHaveLength(2));
      latest().receive('{"$ts":"ack","id":1}');
      await small;
    });

    it('rejects data it cannot send with InvalidArgumentError', async () => {
      const tab = openTab();
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expect(tab.send(circular)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(tab.send(undefined as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    });

    it('rejects a detached ArrayBuffer, or a view of one, with InvalidArgumentError at once', async () => {
      const tab = openTab();
      const buffer = new ArrayBuffer(8);
      const view = new Uint8Array(new ArrayBuffer(8), 2);
      structuredClone([buffer, view.buffer], { transfer: [buffer, view.buffer] });
      const sends = [tab.send(buffer), tab.send(view)];
      for (const send of sends) {
        await expect(send).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(send).rejects.toThrow(/detached ArrayBuffer/);
      }
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      await tab.send('after');
      expect(latest().sent).toEqual(['after']);
    });

    it('rejects a buffer transferred away after send(), before it is posted to the worker', async () => {
      const tab = openTab();
      const buffer = new ArrayBuffer(8);
      const send = tab.send(buffer);
      structuredClone(buffer, { transfer: [buffer] });
      await expect(send).rejects.toThrow(/detached ArrayBuffer/);
    });

    it('rejects a revoked Proxy with InvalidArgumentError', async () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      await expect(openTab().send(proxy)).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });

  describe('#close()', () => {
    it('closes the shared socket for every tab', async () => {
      const tabA = openTab();
      const tabB = openTab();
      await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(2));
      latest().accept();
      await tabA.close(4000, 'logout');
      await vi.waitFor(() => expect(tabB.state).toBe('closed'));
      expect(latest().closeCalls).toEqual([{ code: 4000, reason: 'logout' }]);
    });

    it('refuses a close code the browser would refuse', async () => {
      const tab = openTab();
      await expect(tab.close(1006)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(tab.close(1000, 'x'.repeat(124))).rejects.toBeInstanceOf(InvalidArgumentError);
    });

    it('refuses it with the message of the check the worker runs, and closes nothing', async () => {
      const tab = openTab();
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      await expect(tab.close(2000)).rejects.toThrow(
        'tabsocket: close code must be 1000 or in 3000-4999 (got 2000)',
      );
      await expect(tab.close(1000, 'é'.repeat(62))).rejects.toThrow(
        'tabsocket: close reason must be a string of at most 123 UTF-8 bytes',
      );
      expect(latest().closeCalls).toEqual([]);
    });

    it('rejects with ReleasedError after release(), before asking the worker', async () => {
      const tab = openTab();
      await tab.release();
      await expect(tab.close(1006)).rejects.toBeInstanceOf(ReleasedError);
    });
  });

  describe('#release()', () => {
    it('leaves the socket to the other tabs and refuses later sends', async () => {
      const tabA = openTab();
      const tabB = openTab();
      await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(2));
      await tabA.release();
      expect(hub.inspect('default')?.tabs).toEqual([tabB.tabId]);
      await expect(tabA.send('x')).rejects.toBeInstanceOf(ReleasedError);
    });

    it("takes the handle's topics out of the tab's interest once: a later unsubscribe of it costs the other handles nothing", async () => {
      const worker = new SharedWorker('');
      const options = { url: 'ws://127.0.0.1:9/ws', heartbeat: false as const, worker };
      const leaving = connect(options);
      const staying = connect(options);
      const chat: unknown[] = [];
      const unsubscribe = leaving.subscribe('chat', () => {});
      staying.subscribe('chat', (data) => chat.push(data));
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      await vi.waitFor(() => expect(staying.state).toBe('open'));
      await leaving.release();
      unsubscribe();
      // Answered after whatever the unsubscribe told the worker: commands keep their order.
      await staying.inspect();
      latest().receive('{"topic":"chat","n":1}');
      await vi.waitFor(() => expect(chat).toEqual([{ topic: 'chat', n: 1 }]));
    });

    it('makes subscribe, on and inspect throw ReleasedError', async () => {
      const tab = openTab();
      await tab.release();
      expect(() => tab.subscribe('chat', () => {})).toThrow(ReleasedError);
      expect(() => tab.on('message', () => {})).toThrow(ReleasedError);
      expect(() => tab.on('state', () => {})).toThrow(ReleasedError);
      await expect(tab.inspect()).rejects.toBeInstanceOf(ReleasedError);
    });

    it('from a listener, stops the frames of the same batch after the one it runs for', async () => {
      const tabA = openTab();
      const tabB = openTab();
      const heardA: unknown[] = [];
      const heardB: unknown[] = [];
      tabA.on('message', (data) => {
        heardA.push(data);
        if ((data as { n: number }).n === 2) void tabA.release();
      });
      tabB.on('message', (data) => heardB.push(data));
      await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(2));
      latest().accept();
      await vi.waitFor(() => expect(tabA.state).toBe('open'));
      // The first frame of a burst goes at once, the next ones together (FrameBatcher).
      for (const n of [1, 2, 3]) latest().receive(`{"n":${n}}`);
      await vi.waitFor(() => expect(heardB).toHaveLength(3));
      expect(heardA).toEqual([{ n: 1 }, { n: 2 }]);
    });

    it('as a new login does from a listener, stops the frames of the same batch to the replaced handle', async () => {
      const worker = new SharedWorker('');
      const first = connect({ url: 'ws://127.0.0.1:9/ws?token=a', heartbeat: false, worker });
      const heard: unknown[] = [];
      first.on('message', (data) => {
        heard.push(data);
        if ((data as { n: number }).n !== 2) return;
        connect({ url: 'ws://127.0.0.1:9/ws?token=b', heartbeat: false, worker });
      });
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      const socket = latest();
      socket.accept();
      await vi.waitFor(() => expect(first.state).toBe('open'));
      // The first frame of a burst goes at once, the next ones together (FrameBatcher).
      for (const n of [1, 2, 3]) socket.receive(`{"n":${n}}`);
      await vi.waitFor(() => expect(first.state).toBe('closed'));
      expect(heard).toEqual([{ n: 1 }, { n: 2 }]);
    });
  });

  describe('#subscribe()', () => {
    it('subscribes a topic refused past maxTopics again when unsubscribed and subscribed in one task', async () => {
      const first = openTab({ limits: { maxTopics: 1 } });
      const second = openTab({ limits: { maxTopics: 1 } });
      first.subscribe('a', () => {});
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      await vi.waitFor(() => expect(second.state).toBe('open'));
      await vi.waitFor(() => expect(lastSub()).toEqual(['a']));
      const errors: string[] = [];
      second.on('error', (error) => errors.push(error.code));
      const unsubscribe = second.subscribe('b', () => {});
      await vi.waitFor(() => expect(errors).toEqual(['TS_ERR_TOO_LARGE']));

      // The first tab leaves: 'b' fits now, and the hub never held it for this tab.
      await first.release();
      await settle();
      unsubscribe();
      second.subscribe('b', () => {});
      await settle();
      expect(lastSub()).toEqual(['b']);
    });

    it('receives only its topic, and the worker sends the tab nothing else', async () => {
      const tab = openTab();
      const chat: unknown[] = [];
      tab.subscribe('chat', (data) => chat.push(data));
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      latest().receive('{"topic":"prices","p":1}');
      latest().receive('{"topic":"chat","text":"hi"}');
      await vi.waitFor(() => expect(chat).toHaveLength(1));
      expect(chat).toEqual([{ topic: 'chat', text: 'hi' }]);
    });

    it('stops delivery after unsubscribe', async () => {
      const tab = openTab();
      const chat: unknown[] = [];
      const unsubscribe = tab.subscribe('chat', (data) => chat.push(data));
      const all: unknown[] = [];
      tab.on('message', (data) => all.push(data));
      unsubscribe();
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      latest().receive('{"topic":"chat"}');
      await vi.waitFor(() => expect(all).toHaveLength(1));
      expect(chat).toEqual([]);
    });

    it("throws TooLargeError at once for a topic over the server's maxTopicLength (the limits option)", () => {
      expect(() => openTab().subscribe('x'.repeat(257), () => {})).toThrow(TooLargeError);
      const roomy = openTab({ name: 'roomy', limits: { maxTopicLength: 300 } });
      expect(() => roomy.subscribe('x'.repeat(257), () => {})).not.toThrow();
    });

    it('throws for a topic that is not a non-empty string', () => {
      expect(() => openTab().subscribe('', () => {})).toThrow(InvalidArgumentError);
    });

    it('throws InvalidArgumentError for a listener that is not a function', () => {
      const tab = openTab();
      expect(() => tab.subscribe('chat', null as never)).toThrow(InvalidArgumentError);
      expect(() => tab.on('message', null as never)).toThrow(
        'tabsocket: a listener must be a function (got null)',
      );
      expect(() => tab.on('state', 'log' as never)).toThrow(InvalidArgumentError);
    });

    it('counts each call: the same listener twice runs once per frame, and stays until both unsubscribes', async () => {
      const tab = openTab();
      const chat: unknown[] = [];
      const other: unknown[] = [];
      const listener = (data: unknown) => chat.push(data);
      const unsubscribeFirst = tab.subscribe('chat', listener);
      const unsubscribeSecond = tab.subscribe('chat', listener);
      tab.subscribe('other', (data) => other.push(data));
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      await vi.waitFor(() => expect(tab.state).toBe('open'));
      unsubscribeFirst();
      unsubscribeFirst();
      // Answered after whatever the unsubscribes told the worker: commands keep their order.
      await tab.inspect();
      latest().receive('{"topic":"chat","n":1}');
      latest().receive('{"topic":"other","n":1}');
      await vi.waitFor(() => expect(other).toHaveLength(1));
      expect(chat).toEqual([{ topic: 'chat', n: 1 }]);
      unsubscribeSecond();
      latest().receive('{"topic":"chat","n":2}');
      latest().receive('{"topic":"other","n":2}');
      await vi.waitFor(() => expect(other).toHaveLength(2));
      expect(chat).toHaveLength(1);
    });

    it("tells the worker a task's subscribes in one message, as a diff once that is smaller", async () => {
      const tab = openTab();
      const setInterest = vi.spyOn(hub, 'setInterest');
      for (let i = 0; i < 1_000; i++) tab.subscribe(`topic-${i}`, () => {});
      await vi.waitFor(() => expect(setInterest).toHaveBeenCalledTimes(1));
      const [, , whole] = setInterest.mock.calls[0] ?? [];
      expect(whole).toMatchObject({ all: false });
      expect((whole as { topics: string[] }).topics).toHaveLength(1_000);
      const unsubscribe = tab.subscribe('chat', () => {});
      tab.on('message', () => {});
      unsubscribe();
      tab.subscribe('prices', () => {});
      await vi.waitFor(() => expect(setInterest).toHaveBeenCalledTimes(2));
      expect(setInterest.mock.lastCall?.[2]).toEqual({ all: true, add: ['prices'], remove: [] });
    });

    it('delivers a frame once to message listeners and once to its topic listeners', async () => {
      const tab = openTab();
      const heard: string[] = [];
      tab.on('message', () => heard.push('message'));
      tab.subscribe('chat', () => heard.push('chat'));
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      latest().receive('{"topic":"chat"}');
      latest().receive('{"topic":""}');
      await vi.waitFor(() => expect(heard).toHaveLength(3));
      expect(heard.sort()).toEqual(['chat', 'message', 'message']);
    });

    it('keeps a later listener of the topic when an old unsubscribe runs twice', async () => {
      const tab = openTab();
      const unsubscribe = tab.subscribe('chat', () => {});
      unsubscribe();
      const chat: unknown[] = [];
      tab.subscribe('chat', (data) => chat.push(data));
      unsubscribe();
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      latest().receive('{"topic":"chat"}');
      await vi.waitFor(() => expect(chat).toHaveLength(1));
    });
  });

  describe('#on()', () => {
    it('throws for an event that does not exist', () => {
      const tab = openTab();
      expect(() => tab.on('mesage' as 'message', () => {})).toThrow(
        'tabsocket: there is no "mesage" event',
      );
      expect(() => tab.on('toString' as 'message', () => {})).toThrow(InvalidArgumentError);
    });

    it('tells state, error and resync listeners apart', async () => {
      const tab = openTab();
      const heard: string[] = [];
      tab.on('state', (state) => heard.push(state));
      tab.on('resync', () => heard.push('resync'));
      tab.on('error', (error) => heard.push(error.code));
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      latest().receive('not json');
      await vi.waitFor(() => expect(heard).toContain('TS_ERR_MALFORMED_FRAME'));
      expect(heard).toEqual(['connecting', 'open', 'TS_ERR_MALFORMED_FRAME']);
    });
  });

  describe("on('error')", () => {
    it('reports a malformed frame as a typed error and still delivers its text', async () => {
      const tab = openTab();
      const errors: TabSocketError[] = [];
      const messages: unknown[] = [];
      tab.on('error', (error) => errors.push(error));
      tab.on('message', (data) => messages.push(data));
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      latest().receive('not json');
      await vi.waitFor(() => expect(errors).toHaveLength(1));
      expect(errors[0]).toBeInstanceOf(TabSocketError);
      expect(errors[0]?.code).toBe('TS_ERR_MALFORMED_FRAME');
      expect(messages).toEqual(['not json']);
    });
  });

  describe('window signals', () => {
    it('keeps a subscribe made in the task of the pageshow that restores the page, and the topics before it', async () => {
      const tab = openTab();
      const received: unknown[] = [];
      tab.subscribe('a', (data) => received.push(data));
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      await vi.waitFor(() => expect(lastSub()).toEqual(['a']));
      windowEvents.dispatchEvent(new Event('pagehide'));
      await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toEqual([]));

      tab.subscribe('b', (data) => received.push(data));
      windowEvents.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
      await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(1));
      await settle();
      expect(lastSub()).toEqual(['a', 'b']);
      latest().receive('{"$ts":"push","seq":1,"data":{"topic":"b","n":1}}');
      await vi.waitFor(() => expect(received).toEqual([{ topic: 'b', n: 1 }]));
    });

    it('forwards offline and online to the worker', async () => {
      const tab = openTab();
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      windowEvents.dispatchEvent(new Event('offline'));
      await vi.waitFor(() => expect(tab.state).toBe('offline'));
      windowEvents.dispatchEvent(new Event('online'));
      await vi.waitFor(() => expect(sockets).toHaveLength(2));
    });

    it('leaves on pagehide', async () => {
      openTab({ gracePeriod: 60_000 });
      await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(1));
      windowEvents.dispatchEvent(new Event('pagehide'));
      await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toEqual([]));
    });

    it('a page restored from the back/forward cache rejoins with its cursor: it gets the pushes sent while it was away, once', async () => {
      const tab = openTab({ gracePeriod: 60_000 });
      const messages: unknown[] = [];
      tab.on('message', (data) => messages.push(data));
      tab.on('resync', () => messages.push('resync'));
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      const push = (seq: number) => latest().receive(`{"$ts":"push","seq":${seq},"data":${seq}}`);
      push(1);
      push(2);
      await vi.waitFor(() => expect(messages).toEqual([1, 2]));
      windowEvents.dispatchEvent(new Event('pagehide'));
      await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toEqual([]));
      // In the cache: the worker keeps the socket (gracePeriod), the page hears nothing.
      push(3);
      push(4);
      windowEvents.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
      await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(1));
      push(5);
      await vi.waitFor(() => expect(messages).toContain(5));
      expect(messages).toEqual([1, 2, 3, 4, 5]);
    });

    it('a page restored from the back/forward cache after its socket closed resumes the session it left', async () => {
      const tab = openTab({ gracePeriod: 0 });
      const messages: unknown[] = [];
      tab.on('message', (data) => messages.push(data));
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      latest().receive(HELLO);
      const { session } = resumeFrameOf(latest());
      latest().receive(resumed(0));
      latest().receive('{"$ts":"push","seq":1,"data":1}');
      await vi.waitFor(() => expect(messages).toEqual([1]));
      windowEvents.dispatchEvent(new Event('pagehide'));
      await vi.waitFor(() => expect(hub.inspect('default')).toBeUndefined());
      windowEvents.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
      await vi.waitFor(() => expect(sockets).toHaveLength(2));
      latest().accept();
      latest().receive(HELLO);
      expect(resumeFrameOf(latest())).toMatchObject({ session, last: 1 });
    });

    it('a page that logged out and comes back from the back/forward cache stays logged out, also where the worker forgot the connection', async () => {
      const tab = openTab({ gracePeriod: 0 });
      const heard: unknown[] = [];
      tab.on('message', (data) => heard.push(data));
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      const first = latest();
      first.accept();
      first.receive(HELLO);
      first.receive(resumed(0));
      first.receive('{"$ts":"push","seq":1,"data":1}');
      await vi.waitFor(() => expect(heard).toEqual([1]));
      await tab.close();
      windowEvents.dispatchEvent(new Event('pagehide'));
      await vi.waitFor(() => expect(hub.inspect('default')).toBeUndefined());
      windowEvents.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
      await new Promise((settle) => setTimeout(settle, 50));
      // No socket resumes the session logged out of, and the closed handle hears nothing.
      expect(sockets).toHaveLength(1);
      expect(tab.state).toBe('closed');
      expect(heard).toEqual([1]);
    });

    it('a page restored from the back/forward cache after another tab logged out joins closed: no socket resumes the session', async () => {
      /** A tab whose window events (pagehide, pageshow) reach it alone. */
      const pageOf = () => {
        const events = new EventTarget();
        vi.stubGlobal('addEventListener', events.addEventListener.bind(events));
        return { socket: openTab({ gracePeriod: 60_000 }), events };
      };
      const a = pageOf();
      const b = pageOf();
      const seenByA: unknown[] = [];
      a.socket.on('message', (data) => seenByA.push(data));
      b.socket.on('message', () => {});
      await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(2));
      const first = latest();
      first.accept();
      first.receive(HELLO);
      first.receive(resumed(0));
      first.receive('{"$ts":"push","seq":1,"data":1}');
      await vi.waitFor(() => expect(seenByA).toEqual([1]));
      // Page A goes into the back/forward cache; in tab B the user logs out.
      a.events.dispatchEvent(new Event('pagehide'));
      await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(1));
      await b.socket.close();
      a.events.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
      await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(2));
      await vi.waitFor(() => expect(a.socket.state).toBe('closed'));
      await new Promise((settle) => setTimeout(settle, 20));
      expect(sockets).toHaveLength(1);
    });

    it('a page that logged out leaves no cursor in sessionStorage: the next page of the tab begins a new session', async () => {
      const stored = new Map<string, string>();
      vi.stubGlobal('sessionStorage', {
        getItem: (key: string) => stored.get(key) ?? null,
        setItem: (key: string, value: string) => stored.set(key, value),
      });
      // A url function: every login's `options.url` is the same placeholder.
      const url = () => 'ws://127.0.0.1:9/ws';
      const tab = openTab({ url, gracePeriod: 0 });
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      latest().receive(HELLO);
      const { session } = resumeFrameOf(latest());
      latest().receive(resumed(0));
      latest().receive('{"$ts":"push","seq":1,"data":1}');
      await vi.waitFor(() => expect(tab.state).toBe('open'));
      // Logout, then the page goes (the app reloads it to show its login form).
      await tab.close();
      windowEvents.dispatchEvent(new Event('pagehide'));
      await vi.waitFor(() => expect(hub.inspect('default')?.tabs ?? []).toEqual([]));
      // The next page of the tab: the user logs in again.
      const again = openTab({ url, gracePeriod: 0 });
      again.on('message', () => {});
      await vi.waitFor(() => expect(sockets).toHaveLength(2));
      latest().accept();
      latest().receive(HELLO);
      expect(resumeFrameOf(latest()).session).not.toBe(session);
    });
  });
});

describe('a dead worker', () => {
  let locks: FakeLocks;
  let env: ReturnType<typeof fakeEnvironment>['env'];
  /** Ended at the end of each test: the tabs of an earlier test start no worker in a later one. */
  let thisTest: { over: boolean };

  beforeEach(() => {
    thisTest = { over: false };
    hub.dispose();
    const fake = fakeEnvironment();
    sockets = fake.sockets;
    latest = fake.latest;
    env = fake.env;
    locks = new FakeLocks();
    hub = createHub({ ...env, locks: locks as never });
    vi.stubGlobal('navigator', { onLine: true, locks });
  });

  /** The worker dies as a killed one does: its ports go silent, then its lock is free. */
  function killWorker(): void {
    const dead = hub;
    hub = createHub({ ...env, locks: locks as never });
    for (const port of portsOf.get(dead) ?? []) port.close();
    dead.dispose();
  }

  afterEach(() => {
    thisTest.over = true;
    FakeSharedWorker.dying = 0;
  });

  /** A tab whose `worker` option is a function, as the default worker is started. */
  function restartableTab(options: Partial<Parameters<typeof connect>[0]> = {}) {
    const test = thisTest;
    return openTab({
      worker: () => {
        if (test.over) throw new Error('the test is over');
        return new SharedWorker('');
      },
      ...options,
    });
  }

  /** A tab whose handles all come from `connect()` calls through what this returns. */
  function restartablePage() {
    const test = thisTest;
    const worker = () => {
      if (test.over) throw new Error('the test is over');
      return new SharedWorker('');
    };
    return (options: Partial<Parameters<typeof connect>[0]> = {}) =>
      openTab({ worker, ...options });
  }

  function historyOf(socket: ReturnType<typeof openTab>) {
    const history: string[] = [];
    socket.on('state', (state, detail) => history.push(`${state}:${detail.reason}`));
    socket.on('resync', () => history.push('resync'));
    return history;
  }

  it('hands the session to the fresh worker: it resumes after the last push the tab got, with no resync', async () => {
    const tab = restartableTab();
    const messages: unknown[] = [];
    tab.on('message', (data) => messages.push(data));
    const history = historyOf(tab);
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    latest().receive(HELLO);
    const { session } = resumeFrameOf(latest());
    latest().receive(resumed(0));
    latest().receive('{"$ts":"push","seq":1,"data":{"n":1}}');
    latest().receive('{"$ts":"push","seq":2,"data":{"n":2}}');
    await vi.waitFor(() => expect(messages).toHaveLength(2));

    killWorker();
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    latest().accept();
    latest().receive(HELLO);
    expect(resumeFrameOf(latest())).toMatchObject({ session, last: 2 });
    latest().receive(resumed(2));
    latest().receive('{"$ts":"push","seq":3,"data":{"n":3}}');
    await vi.waitFor(() => expect(messages).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]));
    expect(history).toEqual([
      'connecting:start',
      'open:open',
      'connecting:worker-lost',
      'connecting:handover',
      'open:open',
    ]);
  });

  it('hands a session the server numbered, no push heard yet, to the fresh worker: the server replays what was missed, no resync', async () => {
    const tab = restartableTab();
    const messages: unknown[] = [];
    tab.on('message', (data) => messages.push(data));
    const history = historyOf(tab);
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    latest().receive(HELLO);
    const { session } = resumeFrameOf(latest());
    latest().receive(resumed(0));
    await vi.waitFor(() => expect(tab.state).toBe('open'));

    // Push 1 is on its way as the worker dies: the server replays it to the fresh worker.
    killWorker();
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    latest().accept();
    latest().receive(HELLO);
    expect(resumeFrameOf(latest())).toMatchObject({ session, last: 0, held: true });
    latest().receive(resumed(0));
    latest().receive('{"$ts":"push","seq":1,"data":{"n":1}}');
    await vi.waitFor(() => expect(messages).toEqual([{ n: 1 }]));
    await settle();
    expect(history).toEqual([
      'connecting:start',
      'open:open',
      'connecting:worker-lost',
      'connecting:handover',
      'open:open',
    ]);
  });

  it('is noticed by its lock; every tab reports worker-lost, then opens again on one socket with its topics', async () => {
    const tabA = restartableTab();
    const tabB = restartableTab();
    const all: unknown[] = [];
    const chat: unknown[] = [];
    tabA.on('message', (data) => all.push(data));
    tabB.subscribe('chat', (data) => chat.push(data));
    const historyA = historyOf(tabA);
    const historyB = historyOf(tabB);
    await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(2));
    latest().accept();
    await vi.waitFor(() => expect([tabA.state, tabB.state]).toEqual(['open', 'open']));
    const before = sockets.length;

    killWorker();
    await vi.waitFor(() =>
      expect(hub.inspect('default')?.tabs?.sort()).toEqual([tabA.tabId, tabB.tabId].sort()),
    );
    expect(sockets).toHaveLength(before + 1);
    expect([tabA.state, tabB.state]).toEqual(['connecting', 'connecting']);
    latest().accept();
    await vi.waitFor(() => expect([tabA.state, tabB.state]).toEqual(['open', 'open']));
    latest().receive('{"topic":"chat","n":1}');
    latest().receive('{"topic":"prices","n":2}');
    await vi.waitFor(() => expect(all).toHaveLength(2));
    await vi.waitFor(() => expect(chat).toEqual([{ topic: 'chat', n: 1 }]));
    expect(latest().sent).toEqual([]);
    for (const history of [historyA, historyB]) {
      const lost = history.indexOf('connecting:worker-lost');
      expect(lost).toBeGreaterThan(0);
      expect(history.slice(lost)).toContain('resync');
      // Between the death and the fresh worker's open, never `open`.
      const reopened = history.indexOf('open:open', lost);
      expect(history.slice(lost + 1, reopened).some((entry) => entry.startsWith('open'))).toBe(
        false,
      );
      expect(history.slice(reopened)).toEqual(['open:open', 'resync']);
    }
    expect(sockets.slice(0, before).every((socket) => socket.closeCalls.length > 0)).toBe(true);
  });

  it('gives up a fresh worker that does not answer (a dying one) for another', async () => {
    const tab = restartableTab();
    const history = historyOf(tab);
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    await vi.waitFor(() => expect(tab.state).toBe('open'));
    FakeSharedWorker.dying = 2;
    const started = Date.now();
    killWorker();
    await vi.waitFor(() => expect(sockets).toHaveLength(2), { timeout: 3_000 });
    // 500 ms for the first dying worker, 1000 ms for the second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    latest().accept();
    await vi.waitFor(() => expect(tab.state).toBe('open'));
    // worker-lost once, however many fresh workers it took; the fresh one takes the
    // session over from the tab's cursor (a plain server here: resync once open).
    expect(history).toEqual([
      'connecting:start',
      'open:open',
      'connecting:worker-lost',
      'connecting:handover',
      'open:open',
      'resync',
    ]);
  });

  it('fails the handles (worker-silent) and rejects every pending call when a worker starts but never answers attach', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      FakeSharedWorker.dying = 1;
      const worker = () => new SharedWorker('');
      const silentTab = (name: string) => connect({ url: 'ws://127.0.0.1:9/ws', name, worker });
      const tab = silentTab('silent');
      // Its last handle of a name: release() asks the worker.
      const other = silentTab('other');
      const history = historyOf(tab);
      const errors: TabSocketError[] = [];
      tab.on('error', (error) => errors.push(error));
      const calls = [tab.send('x'), tab.inspect(), tab.close(), other.release()];
      const settled = Promise.allSettled(calls);
      await vi.advanceTimersByTimeAsync(7_999);
      expect(tab.state).toBe('idle');
      await vi.advanceTimersByTimeAsync(1);
      expect(history).toEqual(['failed:worker-silent']);
      expect(errors).toEqual([expect.objectContaining({ code: 'TS_ERR_WORKER' })]);
      expect(errors[0]?.message).toMatch(/did not answer within 8000 ms/);
      for (const outcome of await settled) {
        expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'TS_ERR_WORKER' } });
      }
      await expect(tab.send('later')).rejects.toMatchObject({ code: 'TS_ERR_WORKER' });
      const late = silentTab('silent');
      expect(late.state).toBe('failed');
    } finally {
      vi.useRealTimers();
    }
  });

  it('after a death, gives up for good when no fresh worker answers within 0.5 s, 1 s, 2 s, 4 s, 8 s', async () => {
    const tab = restartableTab();
    const history = historyOf(tab);
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    await vi.waitFor(() => expect(tab.state).toBe('open'));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      FakeSharedWorker.dying = 5;
      killWorker();
      await vi.advanceTimersByTimeAsync(0);
      expect(tab.state).toBe('connecting');
      const pending = tab.send('waits');
      const settled = pending.catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(15_499);
      expect(tab.state).toBe('connecting');
      await vi.advanceTimersByTimeAsync(1);
      expect(history.slice(-2)).toEqual(['connecting:worker-lost', 'failed:worker-silent']);
      await expect(settled).resolves.toMatchObject({ code: 'TS_ERR_WORKER' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('opens the connection again after a death with the options of the handle that opened it: a later handle changes none', async () => {
    const test = thisTest;
    const worker = () => {
      if (test.over) throw new Error('the test is over');
      return new SharedWorker('');
    };
    const url = 'ws://127.0.0.1:9/ws';
    const first = connect({ url, name: 'hb', heartbeat: false, worker });
    const second = connect({ url, name: 'hb', heartbeat: false, format: 'text', worker });
    const received: unknown[] = [];
    first.on('message', (data) => received.push(data));
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    latest().receive('{"n":1}');
    await vi.waitFor(() => expect(received).toHaveLength(1));
    killWorker();
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    latest().accept();
    await vi.waitFor(() => expect(second.state).toBe('open'));
    latest().receive('{"n":2}');
    await vi.waitFor(() => expect(received).toHaveLength(2));
    // The first handle asked for JSON, and keeps getting it.
    expect(received).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it("opens the connection again with the opener's options whichever tab reaches the fresh worker first", async () => {
    const test = thisTest;
    const url = 'ws://127.0.0.1:9/ws';
    const tabWith = (format: 'json' | 'text') =>
      connect({
        url,
        name: 'hb',
        heartbeat: false,
        format,
        worker: () => {
          if (test.over) throw new Error('the test is over');
          return new SharedWorker('');
        },
      });
    const opener = tabWith('json');
    const received: unknown[] = [];
    opener.on('message', (data) => received.push(data));
    await vi.waitFor(() => expect(hub.inspect('hb')?.tabs).toHaveLength(1));
    const joiner = tabWith('text');
    await vi.waitFor(() => expect(hub.inspect('hb')?.tabs).toHaveLength(2));
    latest().accept();
    await vi.waitFor(() => expect(joiner.state).toBe('open'));
    // The opener's first fresh worker is a dying one: the joiner reopens the connection first.
    FakeSharedWorker.dying = 1;
    killWorker();
    await vi.waitFor(() => expect(sockets).toHaveLength(2), { timeout: 3_000 });
    latest().accept();
    await vi.waitFor(() => expect(opener.state).toBe('open'), { timeout: 3_000 });
    latest().receive('{"n":1}');
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(received).toEqual([{ n: 1 }]);
  });

  it('posts a send the dead worker had not written to the fresh one, ahead of the sends made since', async () => {
    const tab = restartableTab();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    // The socket never opens: the send waits in the dead worker's outbox.
    const pending = tab.send('waited');
    const inspect = tab.inspect();
    await vi.waitFor(async () => expect((await hub.inspect('default'))?.queued).toBe(1));
    killWorker();
    await expect(inspect).resolves.toBeDefined();
    const after = tab.send('after');
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    latest().accept();
    await Promise.all([pending, after]);
    expect(latest().sent).toEqual(['waited', 'after']);
  });

  it('hands the fresh worker a send the dead one wrote numbered, under the same message id: the server passes it on once', async () => {
    const tab = restartableTab();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    latest().receive(HELLO);
    const { session } = resumeFrameOf(latest());
    latest().receive(resumed(0));
    await vi.waitFor(() => expect(tab.state).toBe('open'));
    const pending = tab.send('once');
    await vi.waitFor(() => expect(latest().sent).toHaveLength(2));
    const written = JSON.parse(String(latest().sent[1])) as { $ts: string; id: number };
    expect(written).toMatchObject({ $ts: 'msg', text: 'once' });
    let settled = 'pending';
    pending.then(
      () => (settled = 'resolved'),
      (error: TabSocketError) => (settled = error.code),
    );

    killWorker();
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    latest().accept();
    latest().receive(HELLO);
    expect(resumeFrameOf(latest())).toMatchObject({ session });
    latest().receive(resumed(0));
    await vi.waitFor(() => expect(latest().sent).toHaveLength(2));
    expect(JSON.parse(String(latest().sent[1]))).toEqual(written);
    expect(settled).toBe('pending');
    latest().receive(JSON.stringify({ $ts: 'ack', id: written.id }));
    await pending;
  });

  it('reads what the dying worker posted before acting on its death: a send written in the instant it died goes again under the same id', async () => {
    const tab = restartableTab();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    const socket = latest();
    socket.accept();
    socket.receive(HELLO);
    const { session } = resumeFrameOf(socket);
    socket.receive(resumed(0));
    await vi.waitFor(() => expect(tab.state).toBe('open'));
    // The worker dies as it writes the send: its `written` event is still on the tab's port
    // when the lock is granted.
    const write = socket.send.bind(socket);
    socket.send = (data) => {
      write(data);
      if (String(data).includes('"once"')) killWorker();
    };
    const pending = tab.send('once');
    await vi.waitFor(() => expect(socket.sent).toHaveLength(2));
    const first = JSON.parse(String(socket.sent[1])) as { $ts: string; id: number };
    expect(first).toMatchObject({ $ts: 'msg', text: 'once' });

    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    const second = latest();
    second.accept();
    second.receive(HELLO);
    expect(resumeFrameOf(second)).toMatchObject({ session });
    second.receive(resumed(0));
    await vi.waitFor(() => expect(second.sent).toHaveLength(2));
    expect(JSON.parse(String(second.sent[1]))).toEqual(first);
    second.receive(JSON.stringify({ $ts: 'ack', id: first.id }));
    await pending;
  });

  it('counts a send handed to a plain socket just before the death as sent: it is not written twice', async () => {
    const tab = restartableTab();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    await vi.waitFor(() => expect(tab.state).toBe('open'));
    await tab.send('warm-up');
    const socket = latest();
    const write = socket.send.bind(socket);
    // The worker dies in the instant of the write: the answer never leaves it.
    socket.send = (data) => {
      write(data);
      for (const port of portsOf.get(hub) ?? []) port.close();
    };
    const pending = tab.send('handed');
    await vi.waitFor(() => expect(socket.sent).toContain('handed'));
    killWorker();
    await pending;
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    latest().accept();
    await tab.send('after');
    expect(latest().sent).toEqual(['after']);
  });

  it('with no worker left, rejects a send written numbered as of unknown fate, and one never written as not sent', async () => {
    const tab = openTab();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    latest().receive(HELLO);
    latest().receive(resumed(0));
    await vi.waitFor(() => expect(tab.state).toBe('open'));
    const written = tab.send('written');
    await vi.waitFor(() => expect(latest().sent).toHaveLength(2));
    latest().drop(1006);
    const unwritten = tab.send('unwritten');
    await vi.waitFor(async () => expect((await hub.inspect('default'))?.queued).toBe(2));
    killWorker();
    await expect(written).rejects.toMatchObject({
      code: 'TS_ERR_WORKER',
      message: expect.stringContaining('may or may not have reached the server'),
    });
    await expect(unwritten).rejects.toMatchObject({
      code: 'TS_ERR_WORKER',
      message: expect.stringContaining('pass `worker` as a function'),
    });
  });

  it('rejects a send of a login that ended before the death, rather than post it to the new login', async () => {
    const test = thisTest;
    const worker = () => {
      if (test.over) throw new Error('the test is over');
      return new SharedWorker('');
    };
    const first = openTab({ worker, url: 'ws://127.0.0.1:9/ws?token=a' });
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    const old = first.send('of the old login');
    await vi.waitFor(async () => expect((await hub.inspect('default'))?.queued).toBe(1));
    // The worker stops answering, the tab logs in anew, then the worker's death is seen.
    for (const port of portsOf.get(hub) ?? []) port.close();
    const second = openTab({ worker, url: 'ws://127.0.0.1:9/ws?token=b' });
    killWorker();
    await expect(old).rejects.toBeInstanceOf(ConnectionClosedError);
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    latest().accept();
    await second.send('new');
    expect(latest().url).toBe('ws://127.0.0.1:9/ws?token=b');
    expect(latest().sent).toEqual(['new']);
  });

  it('rejects an inspect() waiting on the dead worker, and takes a close() to the fresh one', async () => {
    const tab = restartableTab();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    const port = portsOf.get(hub)?.[0];
    // The worker stops answering first (its ports are cut), then its lock is seen free.
    port?.close();
    const calls = [tab.inspect(), tab.close()];
    killWorker();
    const [inspected, closed] = await Promise.allSettled(calls);
    expect(inspected).toMatchObject({ status: 'rejected', reason: { code: 'TS_ERR_WORKER' } });
    // The fresh worker reopens the login from the tab's cursor: the logout must reach it,
    // or it would stand undone (found by the simulation).
    expect(closed?.status).toBe('fulfilled');
    await vi.waitFor(() => expect(tab.state).toBe('closed'));
    expect(sockets.filter((socket) => socket.readyState <= 1)).toHaveLength(0);
  });

  it('names the session of its cursor in the close() it posts again to the fresh worker (review 23f)', async () => {
    const tab = restartableTab();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    const { resume } = handshake(latest());
    await vi.waitFor(() => expect(tab.state).toBe('open'));
    portsOf.get(hub)?.[0]?.close();
    const closed = tab.close();
    killWorker();
    // The fresh worker holds no login of the name when the close comes first: it records the
    // session as ended, so that another tab's rejoin of it joins the login closed; and when
    // the tab made the close, so that a login made after it goes on (review 24e).
    const close = vi.spyOn(hub, 'close');
    const before = Date.now();
    await closed;
    expect(close).toHaveBeenCalledWith(
      expect.any(String),
      'default',
      1000,
      '',
      resume.session,
      expect.any(Number),
    );
    expect(close.mock.calls[0]?.[5]).toBeLessThanOrEqual(before);
  });

  it('retires the old handle on close() then connect(same url) in the tick after an unnoticed death: each push once', async () => {
    const tab = restartablePage();
    const old = tab();
    const received: string[] = [];
    old.on('message', () => received.push('old'));
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    latest().receive(HELLO);
    latest().receive(resumed(0));
    await vi.waitFor(() => expect(old.state).toBe('open'));

    killWorker();
    // The blog posts' pattern, in the instant after the death: the close dies with the
    // worker, and must not end the new login on the fresh one.
    void old.close().catch(() => {});
    const next = tab();
    next.on('message', () => received.push('new'));
    await vi.waitFor(() => expect(hub.inspect('default')?.state).toBe('connecting'));
    await settle();
    latest().accept();
    latest().receive(HELLO);
    latest().receive(resumed(0));
    await vi.waitFor(() => expect(next.state).toBe('open'));
    latest().receive('{"$ts":"push","seq":1,"data":{"n":1}}');
    await vi.waitFor(() => expect(received).toContain('new'));
    await settle();
    expect(received).toEqual(['new']);
    expect(old.state).toBe('closed');
  });

  it('does not open again a connection that was closed (logout) before the death', async () => {
    const tab = restartableTab();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    await tab.close();
    await vi.waitFor(() => expect(tab.state).toBe('closed'));
    const history = historyOf(tab);
    killWorker();
    await vi.waitFor(() => expect(portsOf.get(hub)?.length ?? 0).toBe(1));
    await expect(tab.send('x')).rejects.toBeInstanceOf(ReleasedError);
    expect(sockets).toHaveLength(1);
    expect(history).toEqual([]);
  });

  it('with a SharedWorker instance as the option, fails the handles with WorkerError: it cannot start another', async () => {
    const tab = openTab();
    const errors: TabSocketError[] = [];
    tab.on('error', (error) => errors.push(error));
    const history = historyOf(tab);
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    await vi.waitFor(() => expect(tab.state).toBe('open'));
    killWorker();
    await vi.waitFor(() => expect(tab.state).toBe('failed'));
    expect(history).toEqual(['connecting:start', 'open:open', 'failed:worker-lost']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(WorkerError);
    expect(errors[0]?.message).toMatch(/pass `worker` as a function/);
    await expect(tab.send('x')).rejects.toMatchObject({ code: 'TS_ERR_WORKER' });
    expect(portsOf.get(hub)?.length ?? 0).toBe(0);
  });

  it('checks what a worker function returns: at connect(), and after a death', async () => {
    expect(() => openTab({ worker: () => ({}) as SharedWorker })).toThrow(
      'tabsocket: option "worker" must be a SharedWorker or a function that returns one',
    );
    let calls = 0;
    const tab = openTab({
      worker: () => {
        calls += 1;
        return (calls === 1 ? new SharedWorker('') : {}) as SharedWorker;
      },
    });
    const errors: TabSocketError[] = [];
    tab.on('error', (error) => errors.push(error));
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    killWorker();
    await vi.waitFor(() => expect(tab.state).toBe('failed'));
    expect(calls).toBe(2);
    expect(errors[0]).toMatchObject({
      code: 'TS_ERR_WORKER',
      cause: expect.any(InvalidOptionError),
    });
  });
});

describe('a url function', () => {
  const quickRetry = { reconnect: { minDelay: 10, jitter: 0 } };

  /** A url function handing out token=<prefix>1, <prefix>2, …: the tokens it gave. */
  function tokens(prefix: string) {
    const given: string[] = [];
    const url = () => {
      given.push(`${prefix}${given.length + 1}`);
      return Promise.resolve(`http://127.0.0.1:9/ws?token=${given.at(-1)}`);
    };
    return { url, given };
  }

  it('is asked across the port for each attempt; a 4401 close is retried with a fresh url, back to open', async () => {
    const { url, given } = tokens('t');
    const tab = openTab({ url });
    const states = statesOf(tab);
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    expect(latest().url).toBe('ws://127.0.0.1:9/ws?token=t1');
    latest().accept();
    await vi.waitFor(() => expect(tab.state).toBe('open'));
    latest().drop(4401, 'token expired');
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    expect(latest().url).toBe('ws://127.0.0.1:9/ws?token=t2');
    latest().accept();
    await vi.waitFor(() => expect(tab.state).toBe('open'));
    expect(states).toEqual(['connecting', 'open', 'connecting', 'open']);
    expect(given).toEqual(['t1', 't2']);
    expect((await tab.inspect())?.url).toBe('tabsocket:url-provided');
  });

  it('that throws fails the attempt: the tab hears TS_ERR_URL_PROVIDER and sees backoff (url-provider), then it is asked again', async () => {
    let calls = 0;
    const tab = openTab({
      ...quickRetry,
      url: () => {
        calls += 1;
        if (calls === 1) throw new Error('no session yet');
        return 'ws://127.0.0.1:9/ws?token=ok';
      },
    });
    const errors: unknown[] = [];
    const reasons: string[] = [];
    tab.on('error', (error) => errors.push(error));
    tab.on('state', (state, detail) => reasons.push(`${state}:${detail.reason}`));
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    expect(latest().url).toBe('ws://127.0.0.1:9/ws?token=ok');
    await vi.waitFor(() =>
      expect(reasons).toEqual(['connecting:start', 'backoff:url-provider', 'connecting:retry']),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'TS_ERR_URL_PROVIDER',
        message: expect.stringContaining('no session yet'),
      }),
    ]);
  });

  it("hands the asking to another tab's function when the tab that gave it leaves", async () => {
    const a = tokens('a');
    const b = tokens('b');
    const tabA = openTab({ ...quickRetry, url: a.url });
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    const tabB = openTab({ ...quickRetry, url: b.url });
    await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(2));
    latest().accept();
    await vi.waitFor(() => expect(tabB.state).toBe('open'));
    await tabA.release();
    latest().drop(1006);
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    expect(latest().url).toBe('ws://127.0.0.1:9/ws?token=b1');
    expect(a.given).toEqual(['a1']);
  });

  it('is one login with every other url function of the name; a fixed url under that name is a new login', async () => {
    const tabA = openTab({ url: tokens('a').url });
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    const tabB = openTab({ url: tokens('b').url });
    await vi.waitFor(() => expect(tabB.state).toBe('open'));
    expect(sockets).toHaveLength(1);
    const tabC = openTab({ url: 'ws://127.0.0.1:9/ws?token=fixed' });
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    expect(latest().url).toBe('ws://127.0.0.1:9/ws?token=fixed');
    await vi.waitFor(() => expect(tabA.state).toBe('connecting'));
    expect(tabC.name).toBe('default');
  });
});

describe('the debug option', () => {
  it('logs each state change with its reason, code, attempt and delay, and each error, in the tab', async () => {
    const lines: string[] = [];
    const tab = openTab({
      reconnect: { minDelay: 40, jitter: 0 },
      debug: (line) => lines.push(line),
    });
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    await vi.waitFor(() => expect(tab.state).toBe('open'));
    latest().drop(1006);
    // The retry's state reaches the tab over the port after the worker made its socket.
    await vi.waitFor(() => expect(lines).toHaveLength(4));
    expect(lines).toEqual([
      'tabsocket "default": idle → connecting (start)',
      'tabsocket "default": connecting → open (open)',
      'tabsocket "default": open → backoff (close, code 1006, attempt 1, retry in 40 ms)',
      'tabsocket "default": backoff → connecting (retry)',
    ]);
  });

  it('with true, writes to console.log; off by default, nothing is logged', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const quiet = openTab({ name: 'quiet' });
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      latest().accept();
      await vi.waitFor(() => expect(quiet.state).toBe('open'));
      expect(log).not.toHaveBeenCalled();
      openTab({ name: 'loud', debug: true });
      await vi.waitFor(() =>
        expect(log).toHaveBeenCalledWith('tabsocket "loud": idle → connecting (start)'),
      );
    } finally {
      log.mockRestore();
    }
  });

  it('refuses a debug value that is neither a boolean nor a function', () => {
    expect(() => openTab({ debug: 'yes' as never })).toThrow(/option "debug"/);
  });
});
