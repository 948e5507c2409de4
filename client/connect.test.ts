/**
 * The client end to end over comlink: real MessageChannels in this process stand in for the
 * SharedWorker's ports, a real Hub answers on the other side, and only the sockets are fake.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Hub } from '../worker/hub';
import { createHub, exposeHub } from '../worker/serve';
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
} from './index';

let hub: Hub;
let sockets: FakeSocket[];
let latest: () => FakeSocket;
/** The window's events, as the tab session listens to them. */
let windowEvents: EventTarget;

/** A SharedWorker whose port reaches the test's hub: each `new` is a new tab's view of it. */
class FakeSharedWorker extends EventTarget {
  readonly port: MessagePort;
  constructor() {
    super();
    const { port1, port2 } = new MessageChannel();
    exposeHub(hub, port2);
    this.port = port1;
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

beforeEach(() => {
  const fake = fakeEnvironment();
  sockets = fake.sockets;
  latest = fake.latest;
  hub = createHub({ ...fake.env, locks: undefined });
  windowEvents = new EventTarget();
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

    it('rejects data it cannot send with InvalidArgumentError', async () => {
      const tab = openTab();
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expect(tab.send(circular)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(tab.send(undefined as never)).rejects.toBeInstanceOf(InvalidArgumentError);
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
  });

  describe('#subscribe()', () => {
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

    it('throws for a topic that is not a non-empty string', () => {
      expect(() => openTab().subscribe('', () => {})).toThrow(InvalidArgumentError);
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
  });
});
