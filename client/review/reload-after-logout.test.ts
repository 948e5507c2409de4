/**
 * Review (issue 19), invariant 4: after close() (logout), no push of the old session
 * reaches any handle. The page logs out, then reloads (or navigates within the site) and
 * logs in again: pagehide kept the cursor of the connection it had logged out of in
 * sessionStorage, and the next page's first connect() resumes that session.
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

/** The tab's sessionStorage: it outlives the page. */
const stored = new Map<string, string>();

function page() {
  const windowEvents = new EventTarget();
  vi.stubGlobal('addEventListener', windowEvents.addEventListener.bind(windowEvents));
  return windowEvents;
}

beforeEach(() => {
  stored.clear();
  const fake = fakeEnvironment();
  sockets = fake.sockets;
  latest = fake.latest;
  hub = createHub({ ...fake.env, locks: undefined });
  vi.stubGlobal('SharedWorker', FakeSharedWorker);
  vi.stubGlobal('navigator', { onLine: true, locks: undefined });
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => stored.get(key) ?? null,
    setItem: (key: string, value: string) => stored.set(key, value),
  });
});

afterEach(() => hub.dispose());

it('a page that logged out does not hand its session to the next page of the tab', async () => {
  const options = { url: 'ws://127.0.0.1:9/ws', heartbeat: false as const, gracePeriod: 0 };
  const firstPage = page();
  const tab = connect({ ...options, worker: new SharedWorker('') });
  await vi.waitFor(() => expect(sockets).toHaveLength(1));
  const first = latest();
  first.accept();
  first.receive(HELLO);
  const { session } = resumeFrameOf(first);
  first.receive(resumed(0));
  first.receive('{"$ts":"push","seq":1,"data":1}');
  await vi.waitFor(() => expect(tab.state).toBe('open'));

  // Logout, then the page goes (the app reloads it to show its login form).
  await tab.close();
  firstPage.dispatchEvent(new Event('pagehide'));
  await vi.waitFor(() => expect(hub.inspect('default')).toBeDefined());

  // The next page of the tab: the user logs in again.
  page();
  const again = connect({ ...options, worker: new SharedWorker('') });
  again.on('message', () => {});
  await vi.waitFor(() => expect(sockets).toHaveLength(2));
  latest().accept();
  latest().receive(HELLO);
  expect(resumeFrameOf(latest()).session).not.toBe(session);
});
