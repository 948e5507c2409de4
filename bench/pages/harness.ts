/**
 * The `window.bench` every page shares. A variant only supplies a `Connect`: how to open its
 * socket(s), send a request and hand inbound data (already parsed, as the app would see it)
 * to the sink. Timing happens here, in the tab, on the tab's own clock.
 */
import type {
  Arrival,
  BenchApi,
  BenchEvent,
  EventKind,
  PageConfig,
  RttFrame,
  VariantName,
} from './api';

export interface Sink {
  message(data: unknown): void;
  event(kind: EventKind): void;
}

export interface Transport {
  send(frame: RttFrame): void;
  isOpen(): boolean;
  /** Raw hop only: the worker posts `m` frames to every tab. */
  blast?(m: number): void;
}

export type Connect = (config: PageConfig, sink: Sink) => Transport;

/** Returns the installed `window.bench`, so a page can add what only it has. */
export function installBench(variant: VariantName, connect: Connect): BenchApi {
  const events: BenchEvent[] = [];
  let transport: Transport | undefined;
  let opens = 0;
  let onOpen: (() => void) | undefined;
  /** The round trip in flight: its id and who waits for its arrival time. */
  let pending: { id: number; arrived: (at: number) => void } | undefined;
  let rttSeq = 0;
  let armed = { target: 0, count: 0, at: null as number | null };
  let onAllArrived: (() => void) | undefined;

  const sink: Sink = {
    message(data) {
      const frame = data as Partial<{ rtt: number; seq: number }> | null;
      if (typeof frame?.seq === 'number') {
        armed.count += 1;
        if (armed.count === armed.target) {
          armed.at = Date.now();
          onAllArrived?.();
        }
      } else if (typeof frame?.rtt === 'number' && frame.rtt === pending?.id) {
        // Stamped here, before any promise continuation, so that scheduling is not timed.
        pending.arrived(performance.now());
      }
    },
    event(kind) {
      events.push({ kind, at: performance.now() });
      if (kind === 'open') {
        opens += 1;
        onOpen?.();
      }
    },
  };

  const current = (): Transport => {
    if (!transport) throw new Error('bench.start() first');
    return transport;
  };

  const roundTrip = (waitMs: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const id = ++rttSeq;
      const timer = setTimeout(() => reject(new Error(`no answer to rtt ${id}`)), waitMs);
      const sentAt = performance.now();
      pending = {
        id,
        arrived: (at) => {
          clearTimeout(timer);
          pending = undefined;
          resolve(at - sentAt);
        },
      };
      current().send({ rtt: id });
    });

  const bench: BenchApi = {
    variant,
    events,
    start(config, waitMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${variant}: not open`)), waitMs);
        onOpen = () => {
          clearTimeout(timer);
          onOpen = undefined;
          resolve();
        };
        transport = connect(config, sink);
        if (transport.isOpen()) onOpen();
      });
    },
    isOpen: () => transport?.isOpen() ?? false,
    opens: () => opens,
    async rtt(samples, warmup, waitMs) {
      const out: number[] = [];
      for (let i = 0; i < warmup + samples; i++) {
        const ms = await roundTrip(waitMs);
        if (i >= warmup) out.push(ms);
      }
      return out;
    },
    arm(m) {
      armed = { target: m, count: 0, at: null };
    },
    arrival(waitMs, idleMs) {
      const answer = (): Arrival => ({ at: armed.at, count: armed.count });
      if (armed.at !== null) return Promise.resolve(answer());
      return new Promise((resolve) => {
        const giveUpAt = Date.now() + waitMs;
        let seen = armed.count;
        let lastProgressAt = Date.now();
        // A tab whose socket dropped mid-run never completes: stop once frames stop coming.
        const watchdog = setInterval(() => {
          const now = Date.now();
          if (armed.count !== seen) {
            seen = armed.count;
            lastProgressAt = now;
          }
          if (now >= giveUpAt || now - lastProgressAt >= idleMs) done();
        }, 100);
        const done = () => {
          clearInterval(watchdog);
          onAllArrived = undefined;
          resolve(answer());
        };
        onAllArrived = done;
      });
    },
    blast(m) {
      const target = current();
      if (!target.blast) throw new Error(`${variant} has no blast()`);
      const at = Date.now();
      target.blast(m);
      return at;
    },
  };
  window.bench = bench;
  return bench;
}
