// @vitest-environment happy-dom
/**
 * Review of the deferred catch-up (19123d5) as a page sees it: a reloaded page's cursor of a
 * session its worker does not go on with is answered once the socket opens, to the tab as
 * it is then, whatever became of the handle that brought the cursor.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed } from '../worker/test-support/connection-harness';
import { type InProcessHub, startInProcessHub } from '../worker/test-support/in-process-hub';
import { connect } from './index';

let world: InProcessHub | undefined;
afterEach(() => {
  world?.dispose();
  vi.unstubAllGlobals();
});

const url = 'ws://127.0.0.1:9/ws';
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: seq });

// BUG (invariants: each push reaches every handle exactly once; no resync where nothing was
// lost). A page reloads while its worker is between sockets, on another session than the
// page's saved cursor (the server lost that one). Its app releases the handle it made and
// connects again (a view change) before the socket opens. The worker keeps the first
// handle's catch-up until the socket opens and then gives it to the tab as it is: the new
// handle, which joined at push 2 and missed nothing, gets `resync` and pushes 1 and 2 again.
it('a handle made after a released one with a cursor of a lost session gets no resync and no push twice', async () => {
  const hub = startInProcessHub();
  world = hub;
  const stored = new Map<string, string>();
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => stored.get(key) ?? null,
    setItem: (key: string, value: string) => stored.set(key, value),
  });
  const reconnect = { minDelay: 5, maxDelay: 5, jitter: 0 };
  // Another page of the browser holds the login: session S, pushes 1 and 2.
  const other = connect({ url, heartbeat: false, reconnect, worker: hub.worker });
  other.on('message', () => {});
  await vi.waitFor(() => expect(hub.sockets).toHaveLength(1));
  const first = hub.latest();
  first.accept();
  first.receive(HELLO);
  first.receive(resumed(0));
  first.receive(push(1));
  first.receive(push(2));
  await vi.waitFor(() => expect(other.state).toBe('open'));
  first.drop();
  await vi.waitFor(() => expect(hub.sockets).toHaveLength(2));

  // The reloaded page: its saved cursor is of a session the server lost.
  const lost = { session: 'the-lost-session', seq: 3, nextId: 1, numbered: true };
  stored.set('tabsocket:cursors', JSON.stringify({ default: { url, cursor: lost } }));
  const pageWorker = () => hub.worker();
  const made = connect({ url, heartbeat: false, reconnect, worker: pageWorker });
  await vi.waitFor(() => expect(hub.hub.inspect('default')?.tabs).toHaveLength(2));
  await made.release();
  const handle = connect({ url, heartbeat: false, reconnect, worker: pageWorker });
  const got: unknown[] = [];
  let resyncs = 0;
  handle.on('message', (data) => got.push(data));
  handle.on('resync', () => {
    resyncs += 1;
  });
  await vi.waitFor(() => expect(hub.hub.inspect('default')?.tabs).toHaveLength(2));

  const next = hub.latest();
  next.accept();
  next.receive(HELLO);
  next.receive(resumed(2));
  next.receive(push(3));
  await vi.waitFor(() => expect(got).toContain(3));
  expect({ got, resyncs }).toEqual({ got: [3], resyncs: 0 });
});
