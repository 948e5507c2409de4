/**
 * Many workers' connection cores in one process: the real `Connection` (its wire link,
 * send queue and heartbeat) from worker/, each over a `ws` client socket instead of a
 * browser's WebSocket, each a session with its topics and a check of every push it gets.
 * Asked over IPC by `run.ts`; loopback only.
 */
import { WebSocket } from 'ws';
import { systemClock } from '../../protocol/clock';
import { resolveOptions } from '../../protocol/connection-options';
import type { TabFrame } from '../../protocol/tab-hub';
import type { SocketLike } from '../../worker/platform';
import { Connection } from '../../worker/socket/connection';
import {
  type BenchPayload,
  HALF_TOPIC,
  type LoadAsk,
  now,
  type PushCheck,
  type SessionPlan,
  type StormReport,
} from './ipc';
import { serve } from './rpc';

/** The first bytes of the server's answers to a resume. */
const RESUMED = '{"$ts":"resumed"';
const RESYNC = '{"$ts":"resync"';
const TICK_MS = 50;
/** Source addresses on the loopback, so that storms do not run out of ephemeral ports. */
const SOURCE_ADDRESSES = 8;
/**
 * Past the worker's `connectTimeout` (10 s), by which an attempt whose resume is not
 * answered fails: a socket open this long and not attached was taken for a plain server.
 */
const PLAIN_AFTER_MS = 11_000;

interface Storm {
  report: StormReport;
  away: Set<BenchSession>;
}

let urls: string[] = [];
const up: boolean[] = [];
const sessions: BenchSession[] = [];
/** Per fan-out (`k` + `i`): each session's delivery latency, in ms. */
const latencies = new Map<string, number[]>();
/** The highest storm push any session got, for the check at the end. */
let lastStormPush = -1;
let storm: Storm | undefined;

class BenchSession {
  readonly connection: Connection;
  ready = false;
  readonly seen = new Set<string>();
  readonly check = { duplicates: 0, lost: 0, seqGaps: 0, resyncs: 0, received: 0 };
  #lastSeq: number | undefined;
  #openedAt = 0;
  #lastStorm = -1;
  /** A resync since the last storm push: a gap in them is what it announced, not a loss. */
  #resynced = false;

  constructor(
    readonly plan: SessionPlan,
    readonly plain: boolean,
  ) {
    const url = urls[plan.node] ?? '';
    this.connection = new Connection(
      resolveOptions({ url }),
      {
        clock: systemClock,
        random: Math.random,
        createSocket: (socketUrl) => this.#socket(socketUrl),
        freshUrl: async () => urls[nodeOf(plan.node)] ?? url,
      },
      {
        state: ({ state }, detail) => {
          if (detail.from === 'open' && state !== 'open') this.#wentAway();
          if (state === 'open') this.#openedAt = now();
          if (state === 'open' && plain) this.#back('resumed');
        },
        frame: (frame) => this.#frame(frame),
        error: () => {},
        resync: () => this.#resync(),
        cursor: () => {
          this.#lastSeq = undefined;
        },
        builds: () => {},
      },
    );
    if (!plain && plan.index % 2 === 0) this.connection.setTopics([HALF_TOPIC]);
    this.connection.start();
  }

  #socket(url: string): SocketLike {
    const localAddress = `127.0.0.${2 + (this.plan.index % SOURCE_ADDRESSES)}`;
    const socket = new WebSocket(url, { localAddress, perMessageDeflate: false });
    socket.on('error', () => {});
    socket.on('upgrade', () => storm?.report.opens.push(now()));
    socket.on('close', (code) => {
      if (!storm) return;
      storm.report.closes[code] = (storm.report.closes[code] ?? 0) + 1;
    });
    if (!this.plain) {
      socket.on('message', (data, isBinary) => {
        if (isBinary || !Buffer.isBuffer(data) || data[2] !== 0x24) return;
        const head = data.toString('latin1', 0, 16);
        if (head.startsWith(RESUMED)) this.#back('resumed');
        else if (head.startsWith(RESYNC)) this.#back('resynced');
      });
    }
    return socket as unknown as SocketLike;
  }

  #wentAway(): void {
    this.ready = false;
    storm?.away.add(this);
  }

  #back(how: 'resumed' | 'resynced'): void {
    this.ready = true;
    if (!storm?.away.delete(this)) return;
    storm.report.back.push(now());
    storm.report[how] += 1;
  }

  #resync(): void {
    this.check.resyncs += 1;
    this.#resynced = true;
    this.#lastSeq = undefined;
  }

  #frame({ data, seq }: TabFrame): void {
    const payload = data as BenchPayload;
    const key = `${payload.k}${payload.i}`;
    this.check.received += 1;
    if (this.seen.has(key)) this.check.duplicates += 1;
    this.seen.add(key);
    const samples = latencies.get(key) ?? [];
    if (samples.length === 0) latencies.set(key, samples);
    samples.push(now() - payload.t);
    if (seq !== undefined) {
      if (this.#lastSeq !== undefined && seq !== this.#lastSeq + 1) this.check.seqGaps += 1;
      this.#lastSeq = seq;
    }
    if (payload.k === 's') {
      if (this.#lastStorm >= 0 && payload.i > this.#lastStorm + 1 && !this.#resynced) {
        this.check.lost += payload.i - this.#lastStorm - 1;
      }
      this.#resynced = false;
      this.#lastStorm = Math.max(this.#lastStorm, payload.i);
      lastStormPush = Math.max(lastStormPush, payload.i);
    }
  }

  /** Open past `PLAIN_AFTER_MS` and not attached: it never will be on this socket. */
  get takenForPlain(): boolean {
    return (
      !this.ready && this.connection.state === 'open' && now() - this.#openedAt > PLAIN_AFTER_MS
    );
  }

  /** Whether it got the last storm push any session got. */
  get caughtUp(): boolean {
    return this.#lastStorm === lastStormPush;
  }
}

/** The node a session's next attempt goes to: its own, or the first one up. */
function nodeOf(node: number): number {
  return up[node] ? node : Math.max(up.indexOf(true), 0);
}

async function open(ask: Extract<LoadAsk, { op: 'open' }>): Promise<void> {
  urls = ask.urls;
  for (let node = 0; node < urls.length; node++) up[node] ??= true;
  const pending = [...ask.sessions];
  while (pending.length > 0) {
    for (const plan of pending.splice(0, ask.perTick)) {
      sessions.push(new BenchSession(plan, ask.plain));
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
}

serve<LoadAsk>(async (ask) => {
  switch (ask.op) {
    case 'open':
      await open(ask);
      return {};
    case 'ready': {
      // Open and never attached: its hello came after the worker's 300 ms window, and the
      // worker took the server for a plain one (`HELLO_WINDOW` in worker/socket/wire-link.ts).
      const plain = sessions.filter((session) => session.takenForPlain).length;
      return { ready: sessions.filter((session) => session.ready).length, plain };
    }
    case 'delivered':
      return { count: latencies.get(`${ask.kind}${ask.id}`)?.length ?? 0 };
    case 'latencies': {
      const key = `${ask.kind}${ask.id}`;
      const samples = latencies.get(key) ?? [];
      latencies.delete(key);
      return { samples };
    }
    case 'storm-begin':
      storm = {
        report: { opens: [], back: [], resumed: 0, resynced: 0, closes: {} },
        away: new Set(),
      };
      return {};
    case 'storm-report': {
      const report = storm?.report;
      storm = undefined;
      return report;
    }
    case 'node':
      up[ask.node] = ask.up;
      return {};
    case 'check': {
      const check: PushCheck = {
        sessions: sessions.length,
        received: 0,
        duplicates: 0,
        lost: 0,
        missingAtEnd: 0,
        seqGaps: 0,
        resyncs: 0,
      };
      for (const session of sessions) {
        check.received += session.check.received;
        check.duplicates += session.check.duplicates;
        check.lost += session.check.lost;
        check.seqGaps += session.check.seqGaps;
        check.resyncs += session.check.resyncs;
        if (lastStormPush >= 0 && !session.caughtUp) check.missingAtEnd += 1;
      }
      return check;
    }
    case 'close':
      for (const session of sessions) session.connection.close(1000, '', 'logout');
      setTimeout(() => process.exit(0), 200);
      return {};
  }
});
