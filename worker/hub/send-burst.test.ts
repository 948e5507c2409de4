/**
 * Review of fix19's cost: a burst of sends against one hub, each message between a tab and
 * its worker (a comlink call, its answer, an event) a hop of its own, each ack a hop from
 * the server. Hops run in generations: a generation is one trip of a message, so the count
 * of generations is how long the burst takes in message latencies (a tab's port to its
 * worker: a task each way, ~0.1-1 ms in a browser, far more on a busy main thread). It
 * prints the figures; run the same file on 9a1d57a to compare (the report has both).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tabLockName } from '../../protocol/locks';
import type { HubApi, TabEventMessage } from '../../protocol/tab-hub';
import { SendQueue } from '../socket/send-queue';
import { HELLO, resumed } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import type { Hub } from './hub';

const ALL = { all: true, topics: [] };

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** Messages (tab to worker, worker to tab, server to worker) in generations. */
function hops() {
  let next: Array<() => void> = [];
  let messages = 0;
  return {
    post(task: () => void) {
      messages += 1;
      next.push(task);
    },
    get messages() {
      return messages;
    },
    /** Runs generation after generation until `done`; answers how many it took. */
    async run(done: () => boolean, limit = 100_000): Promise<number> {
      let generations = 0;
      while (!done() && generations < limit) {
        const now = next;
        next = [];
        for (const task of now) task();
        await new Promise((resolve) => setImmediate(resolve));
        generations += 1;
      }
      return generations;
    },
  };
}

let bursts = 0;

async function burst(tabs: number, perTab: number) {
  bursts += 1;
  const name = `burst-${bursts}`;
  const net = hops();
  const { hub } = world.startHub('build-a');
  const apis: Array<{ api: HubApi; tabId: string }> = [];
  for (let index = 0; index < tabs; index += 1) {
    const tabId = `tab-${bursts}-${index}`;
    apis.push({ api: await attach(hub, tabId, name, net), tabId });
  }
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumed(0));
  const write = socket.send.bind(socket);
  socket.send = (data) => {
    write(data);
    const frame = JSON.parse(String(data)) as { $ts?: string; id?: number };
    if (frame.$ts === 'msg') {
      net.post(() => socket.receive(JSON.stringify({ $ts: 'ack', id: frame.id })));
    }
  };
  // The flushes of the queue (each goes over every message waiting).
  let flushes = 0;
  const flush = SendQueue.prototype.flush;
  const spy = vi.spyOn(SendQueue.prototype, 'flush').mockImplementation(function (
    this: SendQueue,
    writer,
  ) {
    flushes += 1;
    flush.call(this, writer);
  });
  let settled = 0;
  const before = net.messages;
  const started = performance.now();
  for (let id = 1; id <= perTab; id += 1) {
    for (const { api, tabId } of apis) {
      net.post(() => {
        void api.send(tabId, name, `${tabId}:${id}`, { id, confirms: true }).then((outcome) => {
          expect(outcome.ok).toBe(true);
          // comlink's answer to the call.
          net.post(() => {
            settled += 1;
          });
        });
      });
    }
  }
  const generations = await net.run(() => settled === tabs * perTab);
  const ms = performance.now() - started;
  spy.mockRestore();
  return { generations, messages: net.messages - before, flushes, ms, settled };
}

async function attach(hub: Hub, tabId: string, name: string, net: ReturnType<typeof hops>) {
  await new Promise<void>((held) => {
    void world.locks.request(tabLockName(tabId), {}, () => {
      held();
      return new Promise(() => {});
    });
  });
  const api: HubApi = hub.api({
    postMessage: ({ tabsocket }: TabEventMessage) =>
      net.post(() => {
        if (tabsocket.kind === 'written' && tabsocket.awaits && tabsocket.wire) {
          const { id, wire } = tabsocket;
          // The call, and comlink's answer to it.
          net.post(() => api.heard(tabId, name, id, wire));
          net.post(() => {});
        }
      }),
  });
  await api.attach(tabId, true);
  await api.open(tabId, relayOptions(name));
  api.setInterest(tabId, name, ALL);
  return api;
}

describe('a burst of 1,000 sends', () => {
  it('from one tab settles within a few message latencies, as before fix19', async () => {
    // The last of three: the first ones warm the JIT up.
    await burst(1, 1_000);
    await burst(1, 1_000);
    const figures = await burst(1, 1_000);
    console.log('1 tab x 1000', figures);
    expect(figures.settled).toBe(1_000);
    // Before fix19 the whole burst went in one flush: 4 generations (post, write, ack, answer).
    expect(figures.generations).toBeLessThan(20);
  }, 60_000);

  it('from five tabs (200 each) settles within a few message latencies, as before fix19', async () => {
    await burst(5, 200);
    await burst(5, 200);
    const figures = await burst(5, 200);
    console.log('5 tabs x 200', figures);
    expect(figures.settled).toBe(1_000);
    expect(figures.generations).toBeLessThan(20);
  }, 60_000);
});
