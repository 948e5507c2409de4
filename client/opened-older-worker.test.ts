/**
 * Review of fix19's `opened` event (2472e4d, e7b4883): a new login's handles hear nothing
 * until the worker took their open. A worker of an older build tells no `opened` (the
 * client allows for it: the open's answer lets the handles hear). During a deploy the page
 * of the new build may meet the SharedWorker of the old one, still alive (a worker url
 * without a hash, kept by the tabs of the old build): what that worker posts between its
 * open and its answer, the catch-up of a reloaded page, reaches no handle. The test fails
 * on the code as it is, and passes on 9a1d57a.
 */
import { expose } from 'comlink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HubApi, TabEventMessage } from '../protocol/tab-hub';
import type { Hub } from '../worker/hub/hub';
import { createHub } from '../worker/serve';
import { HELLO, resumed } from '../worker/test-support/connection-harness';
import { type FakeSocket, fakeEnvironment } from '../worker/test-support/fake-socket';
import { connect } from './';

let hub: Hub;
let sockets: FakeSocket[];
let latest: () => FakeSocket;
let windowEvents: EventTarget;

/** A SharedWorker of an older build: its hub posts no `opened` event. */
class OlderSharedWorker extends EventTarget {
  readonly port: MessagePort;
  constructor() {
    super();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const older = {
      postMessage: (message: TabEventMessage) => {
        if ((message.tabsocket as { kind: string }).kind !== 'opened') port2.postMessage(message);
      },
    };
    const api = hub.api(older);
    // Nor does its attach answer say it posts them (`AttachAnswer.tellsOpened`).
    const attach: HubApi['attach'] = async (...args) => {
      const { tellsOpened: _, ...answer } = await api.attach(...args);
      return answer;
    };
    expose({ ...api, attach }, port2);
  }
}

beforeEach(() => {
  const fake = fakeEnvironment();
  sockets = fake.sockets;
  latest = fake.latest;
  hub = createHub({ ...fake.env, locks: undefined });
  windowEvents = new EventTarget();
  const stored = new Map<string, string>();
  vi.stubGlobal('window', globalThis);
  vi.stubGlobal('SharedWorker', OlderSharedWorker);
  vi.stubGlobal('navigator', { onLine: true, locks: undefined });
  vi.stubGlobal('addEventListener', windowEvents.addEventListener.bind(windowEvents));
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => stored.get(key) ?? null,
    setItem: (key: string, value: string) => stored.set(key, value),
  });
});

afterEach(() => {
  hub.dispose();
  vi.unstubAllGlobals();
});

describe('a worker that tells no `opened`', () => {
  it('a reloaded page gets the pushes it missed from a worker of an older build', async () => {
    // Invariant: each push once per tab in order, or a resync first (docs/design.md).
    const page = connect({
      url: 'ws://127.0.0.1:9/ws',
      heartbeat: false,
      gracePeriod: 60_000,
      worker: new SharedWorker(''),
    });
    const heard: unknown[] = [];
    page.on('message', (data) => heard.push(data));
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    latest().accept();
    latest().receive(HELLO);
    latest().receive(resumed(0));
    const push = (seq: number) => latest().receive(`{"$ts":"push","seq":${seq},"data":${seq}}`);
    push(1);
    await vi.waitFor(() => expect(heard).toEqual([1]));
    // The reload: the page goes (its cursor saved), a push comes, the next page connects.
    windowEvents.dispatchEvent(new Event('pagehide'));
    await vi.waitFor(() => expect(hub.inspect('default')?.tabs).toEqual([]));
    push(2);
    const next = connect({
      url: 'ws://127.0.0.1:9/ws',
      heartbeat: false,
      gracePeriod: 60_000,
      worker: new SharedWorker(''),
    });
    const again: unknown[] = [];
    next.on('message', (data) => again.push(data));
    next.on('resync', () => again.push('resync'));
    await vi.waitFor(() => expect(next.state).toBe('open'));
    push(3);
    await vi.waitFor(() => expect(again).toContain(3));
    expect(again).toEqual([2, 3]);
  });
});
