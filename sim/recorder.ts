/**
 * What the network and the server report, written into the history: sockets open per
 * browser over time, the sessions each browser resumes, the server's `resync` answers, each
 * push's place in each session stream, and what the server's app received.
 */
import { type History, pushOfFrame, type SocketCount } from './history';
import type { NetworkObserver, Side, SocketPair } from './network';
import type { Scheduler } from './scheduler';
import type { ServerObserver } from './server-process';

/** What the recorder asks of a store that answers later than it records (Redis). */
export interface StoreAnswers {
  /** The task that sent the command whose answer task `task` delivers, if it delivers one. */
  sentInTaskOf(task: number): number | undefined;
}

export class Recorder implements NetworkObserver, ServerObserver {
  /** The session each socket's `resume` named (the one its `end` ends), and when. */
  readonly #resumedOn = new WeakMap<SocketPair, { session: string; at: number }>();
  /** The login whose socket first named each session (see `loginOf`). */
  readonly #sessionLogin = new Map<string, string | undefined>();

  constructor(
    private readonly sim: Scheduler,
    private readonly history: History,
    /**
     * A store whose answers come a round trip after its records (Redis, redis-gate.ts): a
     * loss of the sessions in between came after the record the app's receipt follows.
     */
    private readonly store?: StoreAnswers,
  ) {}

  socketOpened(pair: SocketPair, side: Side): void {
    if (pair.counted[side] !== 'no') return;
    pair.counted[side] = 'open';
    const count = this.#count(side).opened(pair.browser, this.sim.now);
    this.history.line(
      this.sim.now,
      `${pair.browser} ${side} ${kindOf(pair)} ${pair.id} open (${count})`,
    );
  }

  socketClosed(pair: SocketPair, side: Side): void {
    const was = pair.counted[side];
    pair.counted[side] = 'closed';
    if (was !== 'open') return;
    const count = this.#count(side).closed(pair.browser, this.sim.now);
    this.history.line(
      this.sim.now,
      `${pair.browser} ${side} ${kindOf(pair)} ${pair.id} closed (${count})`,
    );
  }

  #count(side: Side): SocketCount {
    return side === 'browser' ? this.history.browserSockets : this.history.serverSockets;
  }

  browserSent(pair: SocketPair, text: string): void {
    if (text === '{"$ts":"end"}') {
      const ended = this.#resumedOn.get(pair)?.session;
      if (ended === undefined) return;
      this.history.endedSessions.add(ended);
      this.history.line(this.sim.now, `${pair.browser} end ${this.history.sessionLabel(ended)}`);
      return;
    }
    if (!text.startsWith('{"$ts":"resume"')) return;
    const { session: id } = JSON.parse(text) as { session?: string };
    if (typeof id !== 'string') return;
    const session = sessionName(id, loginOf(pair.url));
    this.#resumedOn.set(pair, { session, at: this.sim.now });
    if (!this.history.sessionBrowser.has(session)) {
      this.history.sessionBrowser.set(session, pair.browser);
      this.history.sessionFirstSeen.set(session, this.sim.now);
      this.#sessionLogin.set(session, loginOf(pair.url));
    }
    const left = this.history.currentSession.get(pair.browser);
    if (left !== undefined && left !== session) {
      const switches = this.history.sessionSwitches.get(pair.browser) ?? [];
      switches.push(this.sim.now);
      this.history.sessionSwitches.set(pair.browser, switches);
    }
    this.history.currentSession.set(pair.browser, session);
    this.history.line(this.sim.now, `${pair.browser} resume ${this.history.sessionLabel(session)}`);
  }

  serverSent(pair: SocketPair, text: string): void {
    if (!text.startsWith('{"$ts":"resync"')) return;
    // A session the server starts in its answer (it lost the one resumed) goes on from that
    // one: it is as old as the login it continues, for the logout check.
    const { session: id } = JSON.parse(text) as { session?: string };
    const session = typeof id === 'string' ? sessionName(id, loginOf(pair.url)) : undefined;
    if (session !== undefined && !this.history.sessionBrowser.has(session)) {
      // A session a logout ended (the server forgot it), one of another login (a server
      // that names logins keeps each login's sessions its own), or one the browser logged
      // out of before this socket resumed it (its url was the next login's: the cookie's
      // while logged out refuses; review 18c) goes on from nothing: a new login's.
      const resumed = this.history.currentSession.get(pair.browser);
      const resumedAt = this.#resumedOn.get(pair)?.at ?? this.sim.now;
      const since =
        resumed === undefined ||
        this.history.endedSessions.has(resumed) ||
        this.#loggedOutOf(pair.browser, resumed, resumedAt) ||
        this.#sessionLogin.get(resumed) !== loginOf(pair.url)
          ? undefined
          : this.history.sessionFirstSeen.get(resumed);
      this.history.sessionBrowser.set(session, pair.browser);
      this.history.sessionFirstSeen.set(session, since ?? this.sim.now);
      this.#sessionLogin.set(session, loginOf(pair.url));
    }
    // The worker follows the new session from this answer on (no `resume` names it): the
    // tabs' frames are of its stream, not of the one resumed.
    if (session !== undefined) this.history.currentSession.set(pair.browser, session);
    const list = this.history.serverResyncs.get(pair.browser) ?? [];
    list.push(this.sim.now);
    this.history.serverResyncs.set(pair.browser, list);
    this.history.line(this.sim.now, `${pair.browser} told resync`);
  }

  /** Whether `browser` logged out after it first named `session`, and before `at`. */
  #loggedOutOf(browser: string, session: string, at: number): boolean {
    const seen = this.history.sessionFirstSeen.get(session) ?? 0;
    return this.history.logouts.some(
      (logout) => logout.browser === browser && logout.at >= seen && logout.at < at,
    );
  }

  appended(key: string, seq: number, body: string): void {
    const session = sessionOf(key);
    const push = pushIdOf(body);
    const record = push === undefined ? undefined : this.history.pushes.get(push);
    // Known already (a read replays what an append reported).
    if (!record || record.streams.get(session) === seq) return;
    record.streams.set(session, seq);
    const browser = this.history.sessionBrowser.get(session);
    if (browser && !record.appendedAt.has(browser)) record.appendedAt.set(browser, this.sim.now);
    this.history.line(this.sim.now, `append p${push} ${this.history.sessionLabel(session)}#${seq}`);
  }

  /**
   * A push meant for the session that the store did not keep: it went into its stream as far
   * as the checker goes (numbered 0, no number), so a handle of it that hears pushes on
   * either side of it with no resync between has a gap.
   */
  notKept(key: string, body: string): void {
    const session = sessionOf(key);
    const push = pushIdOf(body);
    const record = push === undefined ? undefined : this.history.pushes.get(push);
    if (!record || record.streams.has(session)) return;
    record.streams.set(session, 0);
    this.history.line(this.sim.now, `not kept p${push} ${this.history.sessionLabel(session)}`);
  }

  received(text: string): void {
    let id: unknown;
    try {
      id = (JSON.parse(text) as { send?: unknown }).send;
    } catch {
      return;
    }
    const record = typeof id === 'number' ? this.history.sends.get(id) : undefined;
    if (!record) return;
    // The losses before the record that let it through: on Redis, the command whose answer
    // this task delivers, sent a round trip ago (ordered by task: a restart of Redis in its
    // ms may come before or after it). Else the record ran in this task.
    const recordedIn = this.store?.sentInTaskOf(this.sim.tasksRun) ?? this.sim.tasksRun;
    const before = this.history.stateLosses.filter(({ task }) => task <= recordedIn).length;
    record.received.push({ at: this.sim.now, stateLosses: before });
    this.history.line(this.sim.now, `server got s${id}`);
  }

  channelPosted(browser: string, data: unknown): void {
    const { kind, event } = (data ?? {}) as {
      kind?: unknown;
      event?: { kind?: unknown; frames?: unknown };
    };
    if (kind !== 'event' || event?.kind !== 'frames' || !Array.isArray(event.frames)) return;
    const relayed = this.history.relayedAt.get(browser) ?? new Map<number, number[]>();
    this.history.relayedAt.set(browser, relayed);
    for (const frame of event.frames as Array<{ data?: unknown }>) {
      const push = pushOfFrame(frame.data);
      if (push !== undefined) relayed.set(push, [...(relayed.get(push) ?? []), this.sim.now]);
    }
  }

  storeError(error: unknown): void {
    this.history.line(this.sim.now, `store error ${String(error)}`);
  }
}

/** The push id in a stored payload (`"data":{…}`). */
function pushIdOf(body: string): number | undefined {
  try {
    const { data } = JSON.parse(`{${body}}`) as { data?: { p?: unknown } };
    return typeof data?.p === 'number' ? data.p : undefined;
  } catch {
    return undefined;
  }
}

/** The login a socket's url names (the sim's server names logins: `Plan.logins`), if any. */
function loginOf(url: string): string | undefined {
  return new URL(url).searchParams.get('login') ?? undefined;
}

/**
 * A session as the history knows it: its id, and the login it is of where the server names
 * logins, which keeps two sessions of one id apart (another login's socket that names the
 * id, as new, begins one of its own: review 18).
 */
function sessionName(id: string, login: string | undefined): string {
  return login === undefined ? id : `${login}/${id}`;
}

/** The session of a store key (`[user, login, id]`, `[user, id]`, or `[id]` when anonymous). */
function sessionOf(key: string): string {
  try {
    const parts = JSON.parse(key) as unknown[];
    return parts.length === 3
      ? sessionName(String(parts[2]), String(parts[1]))
      : String(parts.at(-1));
  } catch {
    return key;
  }
}

function kindOf(pair: SocketPair): string {
  return pair.transport === 'stream' ? 'stream' : 'socket';
}
