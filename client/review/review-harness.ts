/**
 * The harness of client/connect.test.ts, shared by the review's tests: a real Hub behind
 * MessageChannels standing in for the SharedWorker's ports, fake sockets, fake Web Locks,
 * and a worker that can be killed (its ports go silent, its lock is let go).
 */

import { expose } from 'comlink';
import { vi } from 'vitest';
import type { HubApi } from '../../protocol/tab-hub';
import type { Hub } from '../../worker/hub';
import { createHub } from '../../worker/serve';
import { FakeLocks } from '../../worker/test-support/fake-locks';
import { type FakeSocket, fakeEnvironment } from '../../worker/test-support/fake-socket';
import { connect } from '../index';

export interface World {
  hub: Hub;
  sockets: FakeSocket[];
  latest(): FakeSocket;
  windowEvents: EventTarget;
  /** The worker dies as a killed one does: its ports go silent, then its lock is free. */
  killWorker(): void;
  /**
   * A new tab (its own worker function, so its own client and tab id), with one handle;
   * its `worker` option is a function: started again after a death.
   */
  tab(options?: Partial<Parameters<typeof connect>[0]>): ReturnType<typeof connect>;
  /** A new tab: `connect()` calls through what it returns are handles of that one tab. */
  page(): (options?: Partial<Parameters<typeof connect>[0]>) => ReturnType<typeof connect>;
  /** The topics of the last `sub` frame written to the current socket. */
  lastSub(): string[] | undefined;
  /** Changes what the next workers' ports answer (a hub that holds a command, say). */
  wrapApi: (api: HubApi) => HubApi;
  end(): void;
}

export function makeWorld(): World {
  const fake = fakeEnvironment();
  const locks = new FakeLocks();
  const portsOf = new Map<Hub, MessagePort[]>();
  let over = false;
  const world: World = {
    hub: createHub({ ...fake.env, locks: locks as never }),
    sockets: fake.sockets,
    latest: fake.latest,
    windowEvents: new EventTarget(),
    killWorker() {
      const dead = world.hub;
      world.hub = createHub({ ...fake.env, locks: locks as never });
      for (const port of portsOf.get(dead) ?? []) port.close();
      dead.dispose();
    },
    tab(options = {}) {
      return world.page()(options);
    },
    page() {
      const worker = () => {
        if (over) throw new Error('the test is over');
        return new SharedWorker('');
      };
      return (options = {}) =>
        connect({ url: 'ws://127.0.0.1:9/ws', heartbeat: false, worker, ...options });
    },
    lastSub() {
      const subs = world
        .latest()
        .sent.map((frame) => String(frame))
        .filter((frame) => frame.startsWith('{"$ts":"sub"'));
      const last = subs.at(-1);
      return last === undefined ? undefined : (JSON.parse(last) as { topics: string[] }).topics;
    },
    wrapApi: (api) => api,
    end() {
      over = true;
      world.hub.dispose();
    },
  };
  class FakeSharedWorker extends EventTarget {
    readonly port: MessagePort;
    constructor() {
      super();
      const { port1, port2 } = new MessageChannel();
      this.port = port1;
      expose(world.wrapApi(world.hub.api(port2)), port2);
      portsOf.set(world.hub, [...(portsOf.get(world.hub) ?? []), port2]);
    }
  }
  vi.stubGlobal('SharedWorker', FakeSharedWorker);
  vi.stubGlobal('navigator', { onLine: true, locks });
  vi.stubGlobal('addEventListener', world.windowEvents.addEventListener.bind(world.windowEvents));
  return world;
}
