/**
 * A real Hub in this process behind real MessageChannels, with fake sockets: what the
 * bindings' tests connect to, as client/connect.test.ts does for the client itself.
 */
import { vi } from 'vitest';
import type { Hub } from '../hub/hub';
import { createHub, exposeHub } from '../serve';
import { type FakeSocket, fakeEnvironment } from './fake-socket';

export interface InProcessHub {
  hub: Hub;
  /** Every socket the hub opened, oldest first. */
  sockets: FakeSocket[];
  latest: () => FakeSocket;
  /**
   * The `worker` option that reaches this hub. One function per hub: connect() keeps one
   * client of the hub per worker option, so each test's tab is a fresh one.
   */
  worker: () => SharedWorker;
  dispose: () => void;
}

/** Starts a hub and stubs the globals a tab's client needs: SharedWorker, navigator, window events. */
export function startInProcessHub(): InProcessHub {
  const fake = fakeEnvironment();
  const hub = createHub({ ...fake.env, locks: undefined });
  /** A SharedWorker whose port reaches this hub. */
  class FakeSharedWorker extends EventTarget {
    readonly port: MessagePort;
    constructor() {
      super();
      const { port1, port2 } = new MessageChannel();
      this.port = port1;
      exposeHub(hub, port2);
    }
  }
  const windowEvents = new EventTarget();
  vi.stubGlobal('SharedWorker', FakeSharedWorker);
  vi.stubGlobal('navigator', { onLine: true, locks: undefined });
  vi.stubGlobal('addEventListener', windowEvents.addEventListener.bind(windowEvents));
  const worker = () => new SharedWorker('');
  return { hub, sockets: fake.sockets, latest: fake.latest, worker, dispose: () => hub.dispose() };
}
