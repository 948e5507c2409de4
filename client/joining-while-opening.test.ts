/**
 * Review 15 (attacks on 699aab5, `HubClient#joining`): a handle made in a tab whose group's
 * own open the worker took but the tab did not hear answered yet. The harness is
 * client/connect.test.ts's (real MessageChannels, a real Hub, fake sockets).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Hub } from '../worker/hub/hub';
import { createHub, exposeHub } from '../worker/serve';
import { HELLO, handshake, resyncOnto } from '../worker/test-support/connection-harness';
import { type FakeSocket, fakeEnvironment } from '../worker/test-support/fake-socket';
import { connect } from './index';

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
    this.port = port1;
    exposeHub(hub, port2);
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

/** Lets the ports and the hub's batched frames run: what would arrive has arrived. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise((done) => setTimeout(done, 0));
}

beforeEach(() => {
  const fake = fakeEnvironment();
  sockets = fake.sockets;
  latest = fake.latest;
  hub = createHub({ ...fake.env, locks: undefined });
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

describe('a second handle made while the first open of its group is unanswered', () => {
  // Invariant: no resync for nothing. Severity: low (nothing lost: the app refetches).
  // OLDER than 699aab5 (seed 3008's fix), which covers a handle joining a group already
  // JOINED only: its `#joining` is set when `asked.phase === JOINED`, so a handle made while
  // the group is `opening` (its first open taken by the worker, `opened` still on the port)
  // is never in `#joining`. What happens: tab T opens A; the worker takes A's open (posts
  // `opened`); in the same instant, before T reads it, the app makes B and the server's
  // `resync` (the session lost) reaches the worker, which tells T before it takes B's open.
  // T reads `opened` (the group JOINED), then the resync, and hands it to A and to B, which
  // joined after the loss and missed nothing.
  // Fixed: a handle joining while the group's first open is on its way is tracked too
  // (`HubClient` `#joining`).
  it('tells the later handle no resync: the loss came before its open was taken', async () => {
    const holder = openTab();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    handshake(latest());
    await vi.waitFor(() => expect(holder.state).toBe('open'));
    latest().drop();
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    latest().accept();
    latest().receive(HELLO);
    const worker = new SharedWorker('');
    const resyncs: string[] = [];
    let second: ReturnType<typeof connect> | undefined;
    const open = hub.open.bind(hub);
    let hooked = false;
    hub.open = ((...args: Parameters<Hub['open']>) => {
      const answer = open(...args);
      if (!hooked) {
        hooked = true;
        // A's open is taken (`opened` posted): B is made before the tab reads it, and the
        // server's resync comes before the worker reads B's open.
        second = connect({ url: 'ws://127.0.0.1:9/ws', heartbeat: false, worker });
        second.on('resync', () => resyncs.push('second'));
        latest().receive(resyncOnto('the-next-session-012'));
      }
      return answer;
    }) as Hub['open'];
    const first = connect({ url: 'ws://127.0.0.1:9/ws', heartbeat: false, worker });
    first.on('resync', () => resyncs.push('first'));
    await vi.waitFor(() => expect(second?.state).toBe('open'));
    await settle();
    expect(resyncs).toEqual(['first']);
  });
});
