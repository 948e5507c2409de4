/**
 * Review of issue 20: each login runs with the options of the handle that opened it.
 * A login started again on a connection the same hub still keeps (logged out, within its
 * grace) runs with the options of the login before it.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { Hub } from '../../worker/hub';
import { createHub, exposeHub } from '../../worker/serve';
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
  const windowEvents = new EventTarget();
  vi.stubGlobal('SharedWorker', FakeSharedWorker);
  vi.stubGlobal('navigator', { onLine: true, locks: undefined });
  vi.stubGlobal('addEventListener', windowEvents.addEventListener.bind(windowEvents));
});

afterEach(() => {
  hub.dispose();
});

it('a login after a logout (awaited) runs with its own opener options, not the logged-out one', async () => {
  const worker = new SharedWorker('');
  const url = 'ws://127.0.0.1:9/ws';
  const first = connect({ url, heartbeat: false, worker });
  await vi.waitFor(() => expect(sockets).toHaveLength(1));
  latest().accept();
  await vi.waitFor(() => expect(first.state).toBe('open'));
  await first.close();
  await vi.waitFor(() => expect(first.state).toBe('closed'));

  // A new login (another user, say) that asks for text.
  const second = connect({ url, heartbeat: false, format: 'text', worker });
  const received: unknown[] = [];
  second.on('message', (data) => received.push(data));
  await vi.waitFor(() => expect(sockets).toHaveLength(2));
  latest().accept();
  await vi.waitFor(() => expect(second.state).toBe('open'));
  latest().receive('{"n":1}');
  await vi.waitFor(() => expect(received).toHaveLength(1));
  // It asked for text, and is the opener of this login.
  expect(received).toEqual(['{"n":1}']);
});
