/**
 * MessagePorts and BroadcastChannels of the simulated browser: each message is cloned as
 * structured clone would, and delivered as a task of the scheduler in the receiver's context.
 */
import type { RelayChannelPort } from '../worker/platform';
import type { Context, Lane, Scheduler } from './scheduler';

type Listener = (event: MessageEvent) => void;

/**
 * The lane of a context's ports that were never shipped: HTML keeps one "unshipped port
 * message queue" per event loop, so messages to them run in the order they arrived, across
 * ports. A port that was transferred (or whose twin was) is a task source of its own, which
 * the event loop may serve in any order against the others: its own lane.
 */
const unshippedLanes = new WeakMap<Scheduler, Map<Context, Lane>>();

function unshippedLane(sim: Scheduler, context: Context): Lane {
  let lanes = unshippedLanes.get(sim);
  if (!lanes) {
    lanes = new Map();
    unshippedLanes.set(sim, lanes);
  }
  let lane = lanes.get(context);
  if (!lane) {
    lane = sim.lane(`unshipped:${context.id}`, () => context);
    lanes.set(context, lane);
  }
  return lane;
}

/** A MessagePort: FIFO, queued until started, silent once either end closes. */
export class SimPort {
  #owner: Context;
  other: SimPort | undefined;
  /** It or its twin was transferred: its messages are a task source of their own. */
  shipped = false;
  #started = false;
  #closed = false;
  readonly #held: unknown[] = [];
  readonly #listeners = new Set<Listener>();
  #onmessage: Listener | null = null;
  readonly lane: Lane;

  constructor(
    private readonly sim: Scheduler,
    owner: Context,
    label: string,
  ) {
    this.#owner = owner;
    this.lane = sim.lane(label, () => this.#owner);
  }

  get onmessage(): Listener | null {
    return this.#onmessage;
  }

  /** Setting it starts the port, as in browsers. */
  set onmessage(listener: Listener | null) {
    this.#onmessage = listener;
    if (listener) this.start();
  }

  addEventListener(type: string, listener: Listener): void {
    if (type === 'message') this.#listeners.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    if (type === 'message') this.#listeners.delete(listener);
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const data of this.#held.splice(0)) this.#enqueue(data);
  }

  close(): void {
    this.#closed = true;
  }

  postMessage(data: unknown, transfer: unknown[] = []): void {
    const target = this.other;
    if (this.#closed || !target || target.#closed) return;
    // comlink's release of a proxy's endpoint (`releaseProxy`; the collector's, which a
    // browser also makes, is kept out of runs: globals.ts). Its only effect is to close a
    // port, and it is not what any invariant is about.
    if ((data as { type?: unknown } | null)?.type === 'RELEASE') return;
    const cloned = cloneMessage(data, transfer);
    for (const moved of transfer) {
      if (!(moved instanceof SimPort)) continue;
      moved.#inTransit();
      moved.shipped = true;
      if (moved.other) moved.other.shipped = true;
    }
    if (target.#started) target.#enqueue(cloned);
    else target.#held.push(cloned);
  }

  /** A port in a message belongs to whoever receives it. */
  #inTransit(): void {
    this.#owner = this.sim.root;
  }

  adopt(owner: Context): void {
    this.#owner = owner;
  }

  #enqueue(data: unknown): void {
    const lane = this.shipped ? this.lane : unshippedLane(this.sim, this.#owner);
    this.sim.post(lane, 'port', () => {
      if (this.#closed) return;
      for (const port of portsIn(data)) port.adopt(this.#owner);
      const event = { data, ports: [] } as unknown as MessageEvent;
      this.#onmessage?.(event);
      for (const listener of this.#listeners) listener(event);
    });
  }
}

export function channel(
  sim: Scheduler,
  first: Context,
  second: Context,
  label: string,
  { shipped = false } = {},
): { port1: SimPort; port2: SimPort } {
  const port1 = new SimPort(sim, first, `${label}>1`);
  const port2 = new SimPort(sim, second, `${label}>2`);
  port1.other = port2;
  port2.other = port1;
  port1.shipped = shipped;
  port2.shipped = shipped;
  return { port1, port2 };
}

/** Longest a lagging channel's message takes to reach the others' queues (see `ChannelBus`). */
export const CHANNEL_LAG_MAX = 30;

/**
 * The BroadcastChannels of one browser profile (one origin): a bus per name. HTML queues a
 * message for every receiver as it is posted, so each receives them in the order they were
 * posted. With `lag`, a message first travels its sender's own lane, for up to
 * `CHANNEL_LAG_MAX` ms: as in browsers where each channel reaches a broker through a pipe
 * of its own, a hub may hear another's later message first (the lock a hub let go of after
 * posting a word can reach the next hub, which announces itself, before the word reaches the
 * others). One sender's messages keep their order, and reach the others after its death too.
 */
export class ChannelBus {
  readonly #open = new Map<string, Set<SimBroadcastChannel>>();

  /** `lag`: channels lag, and each message posted is told it. */
  constructor(
    private readonly sim: Scheduler,
    private readonly lag?: (data: unknown) => void,
  ) {}

  open(name: string, owner: Context): SimBroadcastChannel {
    const members = this.#open.get(name) ?? new Set();
    this.#open.set(name, members);
    const toBroker = this.lag ? this.sim.lane(`bc-out:${name}`, () => this.sim.root) : undefined;
    const member = new SimBroadcastChannel(this.sim, owner, name, (data) => {
      // The receivers are those open as it is posted (HTML); a lag only delays it.
      const receivers = [...members].filter((other) => other !== member);
      const fanOut = (posted: unknown) => {
        for (const other of receivers) other.deliver(cloneMessage(posted, []));
      };
      if (!toBroker) {
        fanOut(data);
        return;
      }
      // Cloned as posted: the sender may change the object after.
      const posted = cloneMessage(data, []);
      this.lag?.(posted);
      const lag = Math.floor(this.sim.random() * CHANNEL_LAG_MAX);
      this.sim.post(toBroker, 'broadcast-out', () => fanOut(posted), lag);
    });
    members.add(member);
    member.onClose = () => members.delete(member);
    owner.onKill(() => member.close());
    return member;
  }
}

export class SimBroadcastChannel implements RelayChannelPort {
  onmessage: ((event: MessageEvent) => void) | null = null;
  onClose = (): void => {};
  readonly #lane: Lane;
  #closed = false;

  constructor(
    private readonly sim: Scheduler,
    owner: Context,
    readonly name: string,
    private readonly broadcast: (data: unknown) => void,
  ) {
    this.#lane = sim.lane(`bc:${name}`, () => owner);
  }

  postMessage(data: unknown): void {
    if (!this.#closed) this.broadcast(data);
  }

  close(): void {
    this.#closed = true;
    this.onClose();
  }

  deliver(data: unknown): void {
    this.sim.post(this.#lane, 'broadcast', () => {
      if (!this.#closed) this.onmessage?.({ data } as MessageEvent);
    });
  }
}

/**
 * Structured clone, with the transferred objects moved rather than copied. Plain objects
 * and arrays are walked (so a port inside a message stays the port); anything else goes
 * through the host's structuredClone, which refuses functions as a browser would.
 */
export function cloneMessage(data: unknown, transfer: readonly unknown[]): unknown {
  if (transfer.includes(data)) return data;
  if (data === null || typeof data !== 'object') {
    if (typeof data === 'function') throw new DOMException('function', 'DataCloneError');
    return data;
  }
  if (Array.isArray(data)) return data.map((item) => cloneMessage(item, transfer));
  const proto = Object.getPrototypeOf(data);
  if (proto === Object.prototype || proto === null) {
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(data)) copy[key] = cloneMessage(value, transfer);
    return copy;
  }
  if (data instanceof SimPort) throw new DOMException('port not transferred', 'DataCloneError');
  return structuredClone(data);
}

function portsIn(data: unknown, found: SimPort[] = [], depth = 0): SimPort[] {
  if (depth > 6 || data === null || typeof data !== 'object') return found;
  if (data instanceof SimPort) {
    found.push(data);
    return found;
  }
  for (const value of Object.values(data)) portsIn(value, found, depth + 1);
  return found;
}
