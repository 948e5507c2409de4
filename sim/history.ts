/**
 * Everything a run did, as the checker reads it: each push the server's app made and the
 * session streams it went into, what each handle heard, each send() and its settling, what
 * the server's app received, sockets over time, logouts, the times the server lost its
 * sessions, and probes of memory. Also one line per event, whose hash is the run's
 * fingerprint (the same seed must give the same).
 */
import { createHash } from 'node:crypto';

export interface PushRecord {
  id: number;
  user: string;
  topic: string;
  at: number;
  /** The session streams it was appended to, with its number in each (0: not kept). */
  streams: Map<string, number>;
  /** When it went into a stream of each browser (the first time). */
  appendedAt: Map<string, number>;
}

export type HandleEvent =
  | { at: number; kind: 'frame'; push: number; session: string | undefined }
  | { at: number; kind: 'resync' }
  | { at: number; kind: 'state'; state: string; reason: string };

export interface HandleRecord {
  id: number;
  lineage: string;
  browser: string;
  user: string;
  /** The cookie's login it was opened in (`Browser.login`): a higher one is a later login. */
  login: number;
  interest: string;
  openedAt: number;
  events: HandleEvent[];
  /** Whether its page still lives at the end (a live page's handle must hear the end's pushes). */
  pageAlive: () => boolean;
  /** The app released it or its page went away: it wants nothing after this time. */
  endedAt?: number;
}

/**
 * The server's app got a send; `stateLosses`: how many there had been by the record that let
 * it through (on Redis, the command it answered, a round trip before).
 */
export interface Receipt {
  at: number;
  stateLosses: number;
}

export interface SendRecord {
  id: number;
  handle: number;
  browser: string;
  at: number;
  outcome?: { at: number; ok: boolean; error?: string };
  received: Receipt[];
  pageAlive: () => boolean;
}

/**
 * The server side lost its sessions, and with them the dedupe of sends: a restart without
 * its sessions, or Redis back empty. A send written before may reach the app once more.
 */
export interface StateLoss {
  at: number;
  /**
   * The scheduler's task it happened in (`Scheduler.tasksRun`): what orders it among the
   * store's records, several of which may run in its ms.
   */
  task: number;
  cause: 'server restart' | 'redis restart';
}

export interface LogoutRecord {
  browser: string;
  user: string;
  /** The cookie's login it ended (`Browser.login`; see `HandleRecord.login`). */
  login: number;
  /** When close() resolved. */
  at: number;
}

export interface Violation {
  invariant: string;
  detail: string;
}

/** The push a frame's data carries (the world pushes `{ p: id }`), if any. */
export function pushOfFrame(data: unknown): number | undefined {
  const push = (data as { p?: unknown } | null | undefined)?.p;
  return typeof push === 'number' ? push : undefined;
}

export class History {
  readonly pushes = new Map<number, PushRecord>();
  readonly handles = new Map<number, HandleRecord>();
  readonly sends = new Map<number, SendRecord>();
  readonly logouts: LogoutRecord[] = [];
  readonly stateLosses: StateLoss[] = [];
  /** Session id → the browser whose worker resumed it first. */
  readonly sessionBrowser = new Map<string, string>();
  readonly sessionFirstSeen = new Map<string, number>();
  /**
   * Sessions a logout's `end` frame ended, when its socket wrote it: a session the server
   * starts in answer to a resume of one of them is a new login's, not the ended one's.
   */
  readonly endedSessions = new Set<string>();
  /** The session each browser's socket last resumed: the stream its tabs follow now. */
  readonly currentSession = new Map<string, string>();
  /**
   * When each browser's sockets went from one session to another (a hub that had no cursor
   * took the socket and started its own): tabs that followed the one left behind cannot
   * know what they missed of it, and are owed a `resync`.
   */
  readonly sessionSwitches = new Map<string, number[]>();
  /** When each browser was told `resync` by the server (any of its sockets). */
  readonly serverResyncs = new Map<string, number[]>();
  /** How long a message may travel each browser's BroadcastChannels (`ChannelBus`), in ms. */
  readonly channelLag = new Map<string, number>();
  /** When an owner relayed each push on a lagging channel of each browser (each time). */
  readonly relayedAt = new Map<string, Map<number, number[]>>();
  /** Violations seen as they happened (socket counts, memory probes). */
  readonly live: Violation[] = [];
  /** The sockets of each browser open as the browser sees them. */
  readonly browserSockets = new SocketCount();
  /** …and as the server sees them (a half-open leftover it cannot know of aside). */
  readonly serverSockets = new SocketCount();
  readonly #lines: string[] = [];
  readonly #sessionLabels = new Map<string, string>();

  line(at: number, text: string): void {
    this.#lines.push(`${at} ${text}`);
  }

  /** A session id as the history names it: by order of appearance, so runs compare. */
  sessionLabel(session: string): string {
    let label = this.#sessionLabels.get(session);
    if (!label) {
      label = `S${this.#sessionLabels.size + 1}`;
      this.#sessionLabels.set(session, label);
    }
    return label;
  }

  get lines(): readonly string[] {
    return this.#lines;
  }

  fingerprint(): string {
    const hash = createHash('sha256');
    for (const line of this.#lines) hash.update(`${line}\n`);
    return hash.digest('hex').slice(0, 16);
  }
}

/** How many sockets each browser has open now, and the longest time it had two or more. */
export class SocketCount {
  readonly #open = new Map<string, number>();
  readonly #overlapSince = new Map<string, number>();
  maxOverlap = 0;

  of(browser: string): number {
    return this.#open.get(browser) ?? 0;
  }

  opened(browser: string, at: number): number {
    const count = this.of(browser) + 1;
    this.#open.set(browser, count);
    if (count > 1 && !this.#overlapSince.has(browser)) this.#overlapSince.set(browser, at);
    return count;
  }

  closed(browser: string, at: number): number {
    const count = this.of(browser) - 1;
    this.#open.set(browser, count);
    const since = this.#overlapSince.get(browser);
    if (count <= 1 && since !== undefined) {
      this.#overlapSince.delete(browser);
      this.maxOverlap = Math.max(this.maxOverlap, at - since);
    }
    return count;
  }
}
