/**
 * What the bench's processes say to each other over their IPC channels: the orchestrator
 * (`run.ts`) asks, the server process (`server-process.ts`) and the load processes
 * (`load-process.ts`) answer each ask with one reply carrying its `ask` number.
 */

/** Milliseconds since the epoch, to the microsecond: one clock for every process here. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** What every pushed payload carries: its kind, its number, and when the fan-out began. */
export interface BenchPayload {
  /** `b` broadcast, `p` publish to the half topic, `s` a push during a storm. */
  k: 'b' | 'p' | 's';
  i: number;
  t: number;
}

export const HALF_TOPIC = 'half';

export type ServerKind = 'bare' | 'tabsocket' | 'redis';

export interface ServerStart {
  kind: ServerKind;
  /** 0 picks one; a restarted node takes its predecessor's. */
  port: number;
  /** For `redis`: the shared redis-server, and this run's keys' prefix. */
  redisUrl?: string;
  prefix?: string;
  /** The server's `upgradeRate`: undefined is its default. */
  upgradeRate?: false;
}

export type ServerAsk =
  | { op: 'start'; start: ServerStart }
  | { op: 'memory' }
  | { op: 'fanout'; payload: BenchPayload }
  | { op: 'cpu'; ms: number }
  | { op: 'loop-reset' }
  | { op: 'loop' }
  | { op: 'close'; drain?: { drain: number; returnWithin: number } };

export interface SessionPlan {
  index: number;
  /** Which node's url it connects to (0 but on the two-node cluster). */
  node: number;
}

export type LoadAsk =
  | {
      op: 'open';
      urls: string[];
      sessions: SessionPlan[];
      /** A bare server: no hello, so a session is ready once open. */
      plain: boolean;
      perTick: number;
    }
  | { op: 'ready' }
  | { op: 'delivered'; kind: BenchPayload['k']; id: number }
  | { op: 'latencies'; kind: BenchPayload['k']; id: number }
  | { op: 'storm-begin' }
  | { op: 'storm-report' }
  | { op: 'node'; node: number; up: boolean }
  | { op: 'check' }
  | { op: 'close' };

export interface Envelope<T> {
  ask: number;
  body: T;
}

/** One storm, as one load process saw it. */
export interface StormReport {
  /** When each socket of the storm completed its upgrade (1013s included). */
  opens: number[];
  /** When each session was open and attached again, resumed or resynced. */
  back: number[];
  resumed: number;
  resynced: number;
  /** Closes by code during the storm. */
  closes: Record<string, number>;
}

/** Pushes checked per session across the whole run. */
export interface PushCheck {
  sessions: number;
  received: number;
  /** A payload a session got twice. */
  duplicates: number;
  /** Storm pushes a session missed between two it got. */
  lost: number;
  /** Storm pushes made after the storm that some session never got. */
  missingAtEnd: number;
  /** A session whose stream went on with a gap in its numbers without a resync. */
  seqGaps: number;
  resyncs: number;
}
