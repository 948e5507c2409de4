/**
 * Review (issue 19), invariant 4: after close() (logout), zero sockets and no push of the
 * old session reaches any handle. The tab logs out itself, then goes into the back/forward
 * cache and comes back: the rejoin opens every connection the tab ever had, the closed one
 * too, from its cursor, so the worker resumes the session logged out of and the closed
 * handle comes back to life and hears its pushes.
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
let windowEvents: EventTarget;

class FakeSharedWorker extends EventTarget {
  readonly port: MessagePort;
  constructor() {
    super();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    exposeHub(hub, port2);
  }
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

afterEach(() => hub.dispose());

it('a page that logged out and comes back from the back/forward cache stays logged out', async () => {
  const tab = connect({
    url: 'ws://127.0.0.1:9/ws',
    heartbeat: false,
    gracePeriod: 60_000,
    worker: new SharedWorker(''),
  });
  const heard: unknown[] = [];
  tab.on('message', (data) => heard.push(data));
  await vi.waitFor(() => expect(sockets).toHaveLength(1));
  const first = latest();
  first.accept();
  first.receive(HELLO);
  const { session } = resumeFrameOf(first);
  first.receive(resumed(0));
  first.receive('{"$ts":"push","seq":1,"data":1}');
  await vi.waitFor(() => expect(heard).toEqual([1]));

  await tab.close();
  expect(tab.state).toBe('closed');
  windowEvents.dispatchEvent(new Event('pagehide'));
  await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toEqual([]));
  windowEvents.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
  await new Promise((settle) => setTimeout(settle, 50));

  const resumedAfterLogout = sockets.slice(1).map((socket) => {
    socket.accept();
    socket.receive(HELLO);
    const resume = resumeFrameOf(socket);
    socket.receive(resumed(1));
    socket.receive('{"$ts":"push","seq":2,"data":2}');
    return resume.session;
  });
  await new Promise((settle) => setTimeout(settle, 20));
  expect(resumedAfterLogout).not.toContain(session);
  expect(heard).toEqual([1]);
  expect(tab.state).toBe('closed');
  expect(sockets).toHaveLength(1);
});
