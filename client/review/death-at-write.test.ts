/**
 * Review (issue 19), invariant 2: a send pending in a worker that dies settles once;
 * resolved means the server's app got it exactly once. The worker writes the send
 * numbered and dies in that instant (the hub told the tab `written` just before the
 * write). The fresh worker must write it under the same message id, or not at all.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { Hub } from '../../worker/hub';
import { createHub, exposeHub } from '../../worker/serve';
import { HELLO, resumed, resumeFrameOf } from '../../worker/test-support/connection-harness';
import { FakeLocks } from '../../worker/test-support/fake-locks';
import { type FakeSocket, fakeEnvironment } from '../../worker/test-support/fake-socket';
import { connect } from '../index';

let hub: Hub;
let sockets: FakeSocket[];
let latest: () => FakeSocket;
let env: ReturnType<typeof fakeEnvironment>['env'];
let locks: FakeLocks;
let portsOf: Map<Hub, MessagePort[]>;
let over = false;

class FakeSharedWorker extends EventTarget {
  readonly port: MessagePort;
  constructor() {
    super();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    exposeHub(hub, port2);
    portsOf.set(hub, [...(portsOf.get(hub) ?? []), port2]);
  }
}

function killWorker(): void {
  const dead = hub;
  hub = createHub({ ...env, locks: locks as never });
  for (const port of portsOf.get(dead) ?? []) port.close();
  dead.dispose();
}

beforeEach(() => {
  over = false;
  const fake = fakeEnvironment();
  sockets = fake.sockets;
  latest = fake.latest;
  env = fake.env;
  locks = new FakeLocks();
  portsOf = new Map();
  hub = createHub({ ...env, locks: locks as never });
  const windowEvents = new EventTarget();
  vi.stubGlobal('SharedWorker', FakeSharedWorker);
  vi.stubGlobal('navigator', { onLine: true, locks });
  vi.stubGlobal('addEventListener', windowEvents.addEventListener.bind(windowEvents));
});

afterEach(() => {
  over = true;
  hub.dispose();
});

it('a send written numbered in the instant the worker dies is written again under the same id', async () => {
  const worker = () => {
    if (over) throw new Error('the test is over');
    return new SharedWorker('');
  };
  const tab = connect({ url: 'ws://127.0.0.1:9/ws', heartbeat: false, worker });
  await vi.waitFor(() => expect(sockets).toHaveLength(1));
  const socket = latest();
  socket.accept();
  socket.receive(HELLO);
  const { session } = resumeFrameOf(socket);
  socket.receive(resumed(0));
  await vi.waitFor(() => expect(tab.state).toBe('open'));
  const write = socket.send.bind(socket);
  let dying = false;
  socket.send = (data) => {
    write(data);
    if (!dying && String(data).includes('"once"')) {
      dying = true;
      killWorker();
    }
  };
  const pending = tab.send('once');
  pending.catch(() => {});
  await vi.waitFor(() => expect(dying).toBe(true));
  const first = JSON.parse(String(socket.sent.at(-1))) as { id: number };

  await vi.waitFor(() => expect(sockets).toHaveLength(2));
  const second = latest();
  second.accept();
  second.receive(HELLO);
  expect(resumeFrameOf(second)).toMatchObject({ session });
  second.receive(resumed(0));
  await vi
    .waitFor(() => expect(second.sent.some((f) => String(f).includes('"once"'))).toBe(true), {
      timeout: 500,
    })
    .catch(() => {});
  const again = second.sent
    .map((f) => JSON.parse(String(f)) as { $ts: string; id?: number; text?: string })
    .filter((f) => f.text === 'once');
  // Each write of it in the session is under the id the server passes on once.
  for (const frame of again) expect(frame.id).toBe(first.id);
  for (const frame of again) second.receive(JSON.stringify({ $ts: 'ack', id: frame.id }));
  if (again.length > 0) await expect(pending).resolves.toBeUndefined();
});
