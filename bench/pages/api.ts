/**
 * What every bench page puts on `window.bench`, so one driver measures every variant the
 * same way. Types only: the pages and the Node driver both import this file.
 */

export type VariantName =
  | 'tabsocket'
  /** Half the tabs start the package's worker from a second URL: two hubs, one socket. */
  | 'tabsocket-two-builds'
  /** SharedWorker deleted: a dedicated-worker hub per tab, one socket. */
  | 'tabsocket-no-shared-worker'
  | 'seed'
  | 'partysocket'
  | 'rws'
  | 'raw-hop';

export interface PageConfig {
  /** The loopback ws server (or the TCP proxy in front of it). Unused by the raw hop. */
  url: string;
  /** App-level heartbeat, in ms: a ping every `interval`, dead after `timeout` more. */
  interval: number;
  timeout: number;
  /** tabsocket pages: the `transports` option (bench/transports.ts), else the default. */
  transports?: Array<'websocket' | 'sse'>;
}

/** Moments a page records on its own clock (`performance.now()`). */
export type EventKind =
  /** A socket opened (tabsocket: the shared connection became `open`). */
  | 'open'
  /** The variant's heartbeat declared the socket dead. */
  | 'dead'
  /** A socket closed (tabsocket: the shared connection left `open`). */
  | 'close';

export interface BenchEvent {
  kind: EventKind;
  at: number;
}

export interface Arrival {
  /**
   * When the m-th frame arrived, as `Date.now()`: throughput runs last seconds, and the wall
   * clock is the one that tabs and the driver share. Null if it did not arrive in time.
   */
  at: number | null;
  count: number;
}

export interface BenchApi {
  variant: VariantName;
  /** Connects; resolves once open (or rejects after `waitMs`). */
  start(config: PageConfig, waitMs: number): Promise<void>;
  /** The variant's socket (tabsocket: the shared connection) is open now. */
  isOpen(): boolean;
  /** Opens so far (tabsocket: transitions to `open` this tab heard of). */
  opens(): number;
  /** Every `open` and `dead` moment, in order. */
  events: BenchEvent[];
  /** `samples` request → push round trips after `warmup` unrecorded ones, in ms, one at a time. */
  rtt(samples: number, warmup: number, waitMs: number): Promise<number[]>;
  /** Starts counting throughput frames afresh: the next `m` frames complete the run. */
  arm(m: number): void;
  /** Resolves once all armed frames arrived, or with what did after `waitMs` or `idleMs` without one. */
  arrival(waitMs: number, idleMs: number): Promise<Arrival>;
  /** Raw hop only: asks the worker to post `m` frames to every tab; answers `Date.now()` at the ask. */
  blast?(m: number): number;
  /**
   * tabsocket only: one more connection per url (names of their own, no wait between
   * attempts), for the reconnect-cycle figure. `stopChurn` logs them all out.
   */
  churn?(urls: string[]): void;
  stopChurn?(): Promise<void>;
  /** tabsocket pages: what this tab's hub does for the connection (`inspect().role`). */
  role?(): Promise<'owner' | 'relay' | null>;
}

/** The request a tab sends for a round trip; the server answers it with the same frame. */
export interface RttFrame {
  rtt: number;
}

/** A throughput frame, as the server (or the raw-hop worker) sends it. */
export interface SeqFrame {
  seq: number;
  v: string;
}

declare global {
  interface Window {
    bench: BenchApi;
  }
}
