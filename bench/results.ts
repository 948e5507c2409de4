/** The shape of a run's JSON file in bench/results/: every figure and its sample summary. */
import type { VariantName } from './pages/api';
import type { Summary } from './stats';

/** Figures of one variant with N tabs open. */
export interface SteadyFigures {
  variant: VariantName;
  tabs: number;
  /** Server sockets open once every tab is open. */
  sockets: number;
  /** Server sockets opened during the whole session: more than `sockets` means reconnects. */
  socketsOpened: number;
  /** tabsocket variants: how many tabs' hubs own the socket or relay, and which the measuring tab's does. */
  roles: Roles | null;
  heartbeat: HeartbeatFigures;
  /**
   * Request → push round trips, ms, timed in the first tab; with several hubs, in the
   * second (a relay's when N > 1): see `measuringTab`.
   */
  rtt: Summary;
  throughput: ThroughputFigures;
  /**
   * JS heap after GC, bytes, once the session's runs are done: the first tab's, and every
   * worker's in the context (`workers`; one per tabsocket hub), `worker` their sum.
   */
  heap: { tab: number; worker: number | null; workers: number[] };
  /** Where the session's time went, ms: open, heartbeat, rtt, throughput, heap. */
  phaseMs: Record<string, number>;
}

export interface Roles {
  owner: number;
  relay: number;
  measuring: 'owner' | 'relay';
}

export interface HeartbeatFigures {
  /** Ping and pong frames per minute on the wire, all sockets together. */
  perMinute: number;
  /** Pings the server received in the window. */
  pings: number;
  windowMs: number;
}

export interface ThroughputFigures {
  frames: number;
  /** Until every tab had all frames; null if some tab had not within the bound. */
  ms: number | null;
  /** Frames per second each tab received: `frames / ms`. */
  perSecond: number | null;
  /** Tabs that received every frame in time. */
  completeTabs: number;
  /** Until the server had written every frame to every socket (socket variants). */
  serverWriteMs: number | null;
}

/** The fault figures, once per socket variant with one tab. */
export interface FaultFigures {
  variant: VariantName;
  /** From the black hole until the variant's heartbeat gave up on the socket. */
  detectionMs: number | null;
  /** From `online` until a socket was open again. */
  reconnectMs: number | null;
  /** Whether the socket closed while offline (else there was nothing to reconnect). */
  closedWhileOffline: boolean;
}

/** tabsocket's worker across many reconnect cycles. */
export interface ChurnFigures {
  connections: number;
  cycles: number;
  ms: number;
  baselineCycles: number;
  heapAtBaseline: number | null;
  heapAtEnd: number | null;
  /** Heap growth per cycle between the baseline and the end, bytes. */
  bytesPerCycle: number | null;
}

export interface BundleFigures {
  variant: VariantName;
  /** What was bundled, e.g. "client without comlink". */
  part: string;
  minified: number;
  gzip: number;
}

/** The server's session stores, in memory and on Redis (bench/phases/stores.ts). */
export interface StoreFigures {
  sessions: number;
  broadcasts: number;
  /** Session pushes per second of a fan-out to `sessions` sessions. */
  fanoutPerSecond: { memory: number; redis: number };
  /** Redis over memory. */
  fanoutRatio: number;
  /** From a resume after push 50 of 100 to its outcome, ms. */
  resumeMs: { memory: Summary; redis: Summary };
}

/** One of the "Done when" goals, judged on this run's figures. */
export interface Goal {
  goal: string;
  holds: boolean;
  /** The numbers it was judged on. */
  detail: string;
}

export interface RunResults {
  date: string;
  durationMs: number;
  machine: {
    cores: number;
    cpu: string;
    platform: string;
    node: string;
    /** 1-minute load average at the start and the end: other work on the machine skews figures. */
    loadAverage: [number, number];
  };
  chromium: string;
  settings: Record<string, unknown>;
  steady: SteadyFigures[];
  faults: FaultFigures[];
  churn: ChurnFigures;
  bundles: BundleFigures[];
  stores: StoreFigures;
  goals: Goal[];
}
