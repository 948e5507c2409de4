/**
 * Review (issue 19), invariant 4: after close() (logout), no push reaches the handles of
 * that login. A tab logs out and logs in again at once (close() not awaited, as a "switch
 * account" handler does): the new handle joins the group of the old one, whose handles are
 * still open as far as the tab knows, and the logged-out handle hears the new login's pushes.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { Hub } from '../../worker/hub';
import { createHub, exposeHub } from '../../worker/serve';
import { HELLO, resumed } from '../../worker/test-support/connection-harness';
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

beforeEach(() => {
  const fake = fakeEnvironment();
  sockets = fake.sockets;
  latest = fake.latest;
  hub = createHub({ ...fake.env, locks: undefined });
  vi.stubGlobal('SharedWorker', FakeSharedWorker);
  vi.stubGlobal('navigator', { onLine: true, locks: undefined });
  const windowEvents = new EventTarget();
  vi.stubGlobal('addEventListener', windowEvents.addEventListener.bind(windowEvents));
});

afterEach(() => hub.dispose());

it('a handle logged out of hears no push of the login made right after it in the same tab', async () => {
  const worker = new SharedWorker('');
  const options = { url: 'ws://127.0.0.1:9/ws', heartbeat: false as const, worker };
  const before = connect(options);
  const heardBefore: unknown[] = [];
  before.on('message', (data) => heardBefore.push(data));
  await vi.waitFor(() => expect(sockets).toHaveLength(1));
  latest().accept();
  latest().receive(HELLO);
  latest().receive(resumed(0));
  latest().receive('{"$ts":"push","seq":1,"data":"old"}');
  await vi.waitFor(() => expect(heardBefore).toEqual(['old']));

  // Switch account: log out, and log in again at once.
  const closed = before.close();
  const after = connect(options);
  const heardAfter: unknown[] = [];
  after.on('message', (data) => heardAfter.push(data));
  await closed;
  expect(before.state).toBe('closed');
  await vi.waitFor(() => expect(sockets).toHaveLength(2));
  latest().accept();
  latest().receive(HELLO);
  latest().receive(resumed(0));
  latest().receive('{"$ts":"push","seq":1,"data":"new"}');
  await vi.waitFor(() => expect(heardAfter).toEqual(['new']));
  // The handle of the login that ended hears nothing more.
  expect(heardBefore).toEqual(['old']);
});
