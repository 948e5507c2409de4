/**
 * Review (issue 19), invariant 4: after close() (logout), zero sockets and no push of the
 * old session reaches any handle, in any tab. A page in the back/forward cache misses the
 * logout another tab made; restored, it rejoins with its cursor and the worker resumes the
 * session the user logged out of.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { Hub } from '../../worker/hub';
import { createHub, exposeHub } from '../../worker/serve';
import { HELLO, resumed, resumeFrameOf } from '../../worker/test-support/connection-harness';
import { type FakeSocket, fakeEnvironment } from '../../worker/test-support/fake-socket';
import { connect } from '../index';

let hub: Hub;
let sockets: FakeSocket[];
let latest: () => FakeSocket;

class FakeSharedWorker extends EventTarget {
  readonly port: MessagePort;
  constructor() {
    super();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    exposeHub(hub, port2);
  }
}

/** A tab with its own window events (pagehide, pageshow reach this tab only). */
function openTab(gracePeriod: number) {
  const windowEvents = new EventTarget();
  vi.stubGlobal('addEventListener', windowEvents.addEventListener.bind(windowEvents));
  const socket = connect({
    url: 'ws://127.0.0.1:9/ws',
    heartbeat: false,
    gracePeriod,
    worker: new SharedWorker(''),
  });
  return { socket, windowEvents };
}

beforeEach(() => {
  const fake = fakeEnvironment();
  sockets = fake.sockets;
  latest = fake.latest;
  hub = createHub({ ...fake.env, locks: undefined });
  vi.stubGlobal('SharedWorker', FakeSharedWorker);
  vi.stubGlobal('navigator', { onLine: true, locks: undefined });
});

afterEach(() => hub.dispose());

it('a page restored from the back/forward cache after another tab logged out does not resume the session logged out of', async () => {
  const a = openTab(60_000);
  const b = openTab(60_000);
  const seenByA: unknown[] = [];
  a.socket.on('message', (data) => seenByA.push(data));
  b.socket.on('message', () => {});
  await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(2));
  const first = latest();
  first.accept();
  first.receive(HELLO);
  const { session } = resumeFrameOf(first);
  first.receive(resumed(0));
  first.receive('{"$ts":"push","seq":1,"data":1}');
  await vi.waitFor(() => expect(seenByA).toEqual([1]));

  // Page A goes into the back/forward cache; in tab B the user logs out.
  a.windowEvents.dispatchEvent(new Event('pagehide'));
  await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(1));
  await b.socket.close();
  expect(b.socket.state).toBe('closed');
  expect(first.closeCalls).toHaveLength(1);

  // Page A comes back.
  a.windowEvents.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
  await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toHaveLength(2));
  await new Promise((settle) => setTimeout(settle, 20));
  const resumedAfterLogout = sockets.slice(1).map((socket) => {
    socket.accept();
    socket.receive(HELLO);
    return resumeFrameOf(socket).session;
  });
  // The session the user logged out of is resumed by no socket.
  expect(resumedAfterLogout).not.toContain(session);
  // And no socket at all after the logout: the login ended, in every tab.
  expect(sockets).toHaveLength(1);
});
