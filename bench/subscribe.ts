/**
 * `npm run bench:subscribe`: what `subscribe()` costs a tab, without a browser. The client
 * code runs in Node against the in-process hub, as in client/connect.test.ts: a
 * MessageChannel stands in for the SharedWorker's port, the socket is fake and speaks the
 * tabsocket protocol (so the hub writes `sub`). For each count it prints three figures,
 * each the median of 5 fresh tabs:
 *
 * - **calls**: the loop of `subscribe()` calls alone, synchronous, as a component tree
 *   mounting its listeners would run them;
 * - **main thread**: the calls and the microtasks they queued, which tell the worker (the
 *   structured clone of the topics included), timed while the hub is held back: the
 *   tab's main-thread time, the figure of issue 20 (goal under 50 ms for 10,000);
 * - **until sub**: from the first call until the socket has the `sub` frame with every
 *   topic: the calls, the microtasks they queued, the hop to the hub and the hub's work.
 *   In a browser the hub's part runs in the worker; here it shares the thread.
 */
import { performance } from 'node:perf_hooks';
import { connect, type TabSocket } from '../client/index';
import { createHub, exposeHub } from '../worker/serve';
import { HELLO, resumed } from '../worker/test-support/connection-harness';
import { type FakeSocket, fakeEnvironment } from '../worker/test-support/fake-socket';

const COUNTS = [1_000, 5_000, 10_000];
/** The old cost grew with the square of the count: past this, a run is abandoned. */
const GIVE_UP_MS = 60_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function until(done: () => boolean, since: number): Promise<boolean> {
  while (!done()) {
    if (performance.now() - since > GIVE_UP_MS) return false;
    await nextTurn();
  }
  return true;
}

/** A tab on an open tabsocket-protocol connection, with its own hub. */
/**
 * The hub's end of the port, which can hold the messages back: the hub shares this thread,
 * and must not run while the tab's share is timed.
 */
class HoldablePort {
  #held: MessageEvent[] | undefined;
  #listener: ((event: MessageEvent) => void) | undefined;

  constructor(private readonly port: MessagePort) {
    port.addEventListener('message', (event) => {
      if (this.#held) this.#held.push(event);
      else this.#listener?.(event);
    });
    port.start();
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  addEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.#listener = listener;
  }

  removeEventListener(): void {
    this.#listener = undefined;
  }

  hold(): void {
    this.#held = [];
  }

  letGo(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const event of held) this.#listener?.(event);
  }
}

async function openTab(): Promise<{
  socket: TabSocket;
  wire: FakeSocket;
  hubPort: HoldablePort;
  dispose(): void;
}> {
  const fake = fakeEnvironment();
  const hub = createHub({ ...fake.env, locks: undefined, openChannel: undefined });
  const windowEvents = new EventTarget();
  Object.assign(globalThis, {
    addEventListener: windowEvents.addEventListener.bind(windowEvents),
  });
  Object.defineProperty(globalThis, 'navigator', {
    value: { onLine: true, locks: undefined },
    configurable: true,
  });
  const { port1, port2 } = new MessageChannel();
  const hubPort = new HoldablePort(port2);
  exposeHub(hub, hubPort as unknown as MessagePort);
  // connect() takes only a SharedWorker: the global one is this stand-in.
  class InProcessWorker extends EventTarget {
    readonly port = port1;
  }
  Object.assign(globalThis, { SharedWorker: InProcessWorker });
  const worker = new InProcessWorker() as unknown as SharedWorker;
  const socket = connect({ url: 'ws://127.0.0.1:9/ws', heartbeat: false, worker });
  await until(() => fake.sockets.length === 1, performance.now());
  const wire = fake.latest();
  wire.accept();
  wire.receive(HELLO);
  wire.receive(resumed(0));
  await until(() => socket.state === 'open', performance.now());
  return {
    socket,
    wire,
    hubPort,
    dispose: () => {
      hub.dispose();
      port1.close();
      port2.close();
    },
  };
}

function subTopicsOf(wire: FakeSocket): number {
  for (let at = wire.sent.length - 1; at >= 0; at--) {
    const frame = wire.sent[at];
    if (typeof frame !== 'string' || !frame.includes('"$ts":"sub"')) continue;
    return (JSON.parse(frame) as { topics: string[] }).topics.length;
  }
  return 0;
}

/** Fresh tabs per count: the figure is their median, as the machine's load varies. */
const RUNS = 5;

interface Timed {
  calls: number;
  mainThread: number;
  untilSub: number;
}

async function timeOnce(count: number): Promise<Timed | undefined> {
  const { socket, wire, hubPort, dispose } = await openTab();
  const listener = () => {};
  try {
    hubPort.hold();
    const start = performance.now();
    for (let i = 0; i < count; i++) socket.subscribe(`topic-${i}`, listener);
    const calls = performance.now() - start;
    // A macrotask runs once every microtask the calls queued ran; the hub, held, ran nothing.
    await nextTurn();
    const mainThread = performance.now() - start;
    hubPort.letGo();
    if (!(await until(() => subTopicsOf(wire) === count, start))) return undefined;
    return { calls, mainThread, untilSub: performance.now() - start };
  } finally {
    dispose();
  }
}

const spread = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  return `${median.toFixed(1)} ms (${(sorted[0] as number).toFixed(1)}–${(sorted.at(-1) as number).toFixed(1)})`;
};

for (const count of COUNTS) {
  const runs: Timed[] = [];
  for (let run = 0; run < RUNS; run++) {
    const timed = await timeOnce(count);
    if (!timed) break;
    runs.push(timed);
  }
  if (runs.length < RUNS) {
    console.log(`${count.toLocaleString('en')} subscribe() calls: no sub within ${GIVE_UP_MS} ms`);
    break;
  }
  console.log(
    `${count.toLocaleString('en')} subscribe() calls, median of ${RUNS} (min–max): ` +
      `calls ${spread(runs.map((run) => run.calls))}; ` +
      `main thread ${spread(runs.map((run) => run.mainThread))}; ` +
      `until sub ${spread(runs.map((run) => run.untilSub))}`,
  );
}
process.exit(0);
