import { Timer } from '../../protocol/clock';
import { type ResolvedConnectionOptions, resolveOptions } from '../../protocol/connection-options';
import {
  type InvalidOptionError,
  ReleasedError,
  type SerializedError,
  serializeError,
  type TabSocketError,
} from '../../protocol/errors';
import { randomId } from '../../protocol/random-id';
import type { ConnectionState } from '../../protocol/state';
import type {
  ConnectionSnapshot,
  HubApi,
  Interest,
  InterestUpdate,
  OpenAnswer,
  OpenIntent,
  Outcome,
  SessionCursor,
  SocketData,
  TabSend,
  TabUrlProvider,
} from '../../protocol/tab-hub';
import {
  checkClose,
  checkInterest,
  checkSocketData,
  checkTabSend,
  isSessionCursor,
} from '../../protocol/tab-hub-checks';
import type { Environment, LockWaiter, RelayChannelPort, ScheduleTask } from '../platform';
import { before, type Missed } from '../share/recent-frames';
import { logOutElsewhere, SharedConnection } from '../share/shared-connection';
import { HeardWrites, numberingOf } from '../share/tab-send';
import { fitInterest } from '../socket/wire-limits';
import { type HubLifetime, holdHubLifetime } from './hub-lifetime';
import { type TabPort, TabRegistry } from './registry';
import { UrlSources } from './url-source';

export interface HubEnvironment extends Environment {
  /**
   * `navigator.locks` of the worker. Without it a crashed tab is noticed only by `leave`,
   * and the hub owns its sockets alone (no relay between hubs).
   */
  locks: LockWaiter | undefined;
  /** Runs a task after the tasks already queued: when gathered frames go to the tabs. */
  schedule: ScheduleTask;
  /** Opens a BroadcastChannel, for the relay between hubs; undefined where there is none. */
  openChannel: ((name: string) => RelayChannelPort) | undefined;
  /** This hub's build, as the other hubs of the browser see it: its script's URL. */
  build: string;
}

interface Entry {
  connection: SharedConnection;
  /** The login the connection is on: a new number each time a tab's `open` starts it. */
  login: number;
  /** Runs while no tab is attached: a reload must not cost a reconnect. */
  graceTimer: Timer;
}

/**
 * The worker's one place of truth: a connection per name, the tabs attached to each, and
 * the commands tabs send. Every tab talks to it through `api(port)`, which binds the tab's
 * port so events find their way back.
 *
 * What arrives on a port is checked again here, whatever the tab checked: a tab of another
 * build, or any script of the page, can post anything. A refusal is an `Outcome` with a
 * typed error, never a throw: a throw would reach the tab as comlink's untyped error, or,
 * in a timer or socket callback later, take down the connection of every tab.
 */
export class Hub {
  readonly #connections = new Map<string, Entry>();
  readonly #registry: TabRegistry;
  /** The tabs' url functions, for connections opened with one. */
  readonly #urls: UrlSources;
  #online = true;
  /** This hub's id, named by the Web Lock it holds for its whole life (`hubLockName`). */
  readonly #hubId = randomId();
  /** The hub's lifetime lock: `held` resolves to the answer tabs get once it is held. */
  readonly #lifetime: HubLifetime;
  /** The last login number given (`Entry.login`), unique in this hub. */
  #logins = 0;
  /** The last login number told the relay's owners (`RelayEnvironment.nextLogin`). */
  #relayLogins = 0;
  /** The sends written once their tabs heard their ids (`TabSend.confirms`). */
  readonly #writes: HeardWrites;
  /**
   * Logouts that reached this hub with no login of their name (`close`): the login of a hub
   * that died, whose tabs rejoin here. By name: the sessions it ended (the one the tab logged
   * out of, none from an older tab; those of the rejoins it closed), and when the tab made it
   * (`at`; an older tab's: when it reached this hub). Kept: a rejoin of that login that comes late, after a
   * login made since, still joins closed.
   */
  readonly #loggedOut = new Map<string, LoggedOut>();

  constructor(private readonly env: HubEnvironment) {
    this.#urls = new UrlSources(env.clock);
    this.#registry = new TabRegistry(env.locks, (tabId) => this.leave(tabId), env.schedule);
    this.#writes = new HeardWrites((tabId) => this.#registry.has(tabId), env.clock);
    this.#lifetime = holdHubLifetime(env.locks, this.#hubId);
  }

  /** The command surface for the tab on `port` (what comlink exposes on it). */
  api(port: TabPort): HubApi {
    return {
      attach: (tabId, online) => {
        // A tab id that is not a string never attaches; its commands are refused as unknown.
        if (typeof tabId !== 'string') return Promise.resolve({});
        this.#registry.add(tabId, port);
        this.network(online);
        // The tab may queue for the lock only once this hub holds it, or it would be
        // granted at once and take a live worker for a dead one.
        return this.#lifetime.held;
      },
      open: (...args) => this.open(...args),
      setInterest: (tabId, name, interest) => this.setInterest(tabId, name, interest),
      send: (tabId, name, data, tag) => this.send(tabId, name, data, tag),
      heard: (tabId, _name, id, wire) => this.#writes.heard(tabId, id, wire),
      close: (tabId, name, code, closeReason, session, at) =>
        this.close(tabId, name, code, closeReason, session, at),
      release: (tabId, name) => this.release(tabId, name),
      leave: (tabId) => this.leave(tabId),
      network: (online) => this.network(online),
      inspect: (name) => this.inspect(name),
    };
  }

  open(
    tabId: string,
    untrusted: ResolvedConnectionOptions,
    resumeFrom?: SessionCursor,
    urlProvider?: TabUrlProvider,
    intent?: OpenIntent,
    since?: number,
  ): Outcome<OpenAnswer> | Promise<Outcome<OpenAnswer>> {
    if (!this.#registry.has(tabId)) return notAttached(tabId);
    // A cursor that is not one (a tab of another build, a page's script) is not resumed:
    // the connection starts a session of its own, as it would without one.
    const cursor = isSessionCursor(resumeFrom) ? resumeFrom : undefined;
    // Not a time (an older tab's, a page's script): the hub's own start stands for it.
    const openedAt = cursor || !Number.isFinite(since) ? undefined : (since as number);
    let options: ResolvedConnectionOptions;
    try {
      // Resolved options are valid options: the same checks, and they come back unchanged.
      options = resolveOptions(untrusted);
    } catch (error) {
      return failure(error as InvalidOptionError);
    }
    const { name } = options;
    let entry = this.#connections.get(name);
    const record = this.#loggedOut.get(name);
    // A rejoin of a login made before a logout recorded here (its `since`), or of a session it
    // ended, is of the login that logout ended, whatever login is live (review 24g). A new
    // login's cursor of a session it ended, or of another epoch than the first (a session the
    // server moved that login onto, which the tab that logged out had not heard: review 24i),
    // resumes nothing.
    // Dates of two pages, read as this hub's clock stands (`before`). A rejoin of a login that
    // started here after the record (its cursor's session that login's), judged not the
    // logged-out one when it began, is of that login whatever the dates say (review 25j: a
    // clock step back); not of one that started before the record came, which may be the
    // logged-out one (review 25q: a reloaded page's open that beat the close). The epoch rule
    // holds until a login starts here after the record: the next user's moved sessions are
    // its own (review 25j).
    const late =
      intent === 'rejoin' &&
      record &&
      (record.ended.has(cursor?.session as string) ||
        (!before(record.at, since as number, this.env.clock.now()) &&
          !(record.next && cursor && entry?.connection.owns(cursor.session))));
    if (
      record &&
      cursor &&
      (late || record.ended.has(cursor.session) || (cursor.epoch && !record.next))
    ) {
      record.ended.add(cursor.session);
      entry?.connection.endedElsewhere(cursor.session);
    }
    if (late) {
      // It joins no login: the logged-out one is closed, a live one here was made since.
      this.#registry.postTo(tabId, { kind: 'opened', name });
      return { ok: true, value: { ...CLOSED, name, url: options.url, options } };
    }
    // A login that ended, started again with other options, runs with those (a connection
    // keeps the options it was made with): a new one takes the ended one's place.
    const otherLogin =
      entry !== undefined &&
      intent !== 'rejoin' &&
      hasEnded(entry.connection.state) &&
      JSON.stringify(entry.connection.options) !== JSON.stringify(options);
    if (entry && (entry.connection.options.url !== options.url || otherLogin)) {
      // A new url under a known name is a new login: the old socket, its retries and its
      // outbox go now, so that exactly one socket exists for the name at any time.
      entry.graceTimer.clear();
      entry.connection.close(1000, '', 'replaced');
      entry = undefined;
    }
    const known = entry;
    if (!entry) {
      entry = this.#createEntry(options);
      this.#connections.set(name, entry);
      // A new login, or a rejoin of one made since the logout (review 24e), goes on.
      for (const session of record?.ended ?? []) entry.connection.endedElsewhere(session);
    }
    // After the events of the login this open ends or leaves, before those of the one it
    // joins; joining the login an owner relays, once the owner answered (its frames and word
    // before are of a login the tab's app may have seen end: `SharedConnection.sync`).
    // Meanwhile the tab hears no pushes: a cursor's catch-up gives them after `opened`.
    const answered = known?.connection.sync(openedAt);
    // When the open was made: its page's time, or this hub's now. Without a cursor, the tab
    // is open since then.
    const now = this.env.clock.now();
    const openAt = openedAt ?? now;
    const openSince = cursor ? undefined : openAt;
    let resyncUnheard = false;
    const taken = () => {
      resyncUnheard = this.#registry.hear(tabId, name);
      this.#registry.postTo(tabId, { kind: 'opened', name });
    };
    if (!answered?.then(taken)) taken();
    // A second handle of the tab on the name (the tab's group was open): what the tab is
    // owed is still the group's (review 14).
    const again = this.#registry.isOn(tabId, name);
    // A tab coming back with a cursor must miss nothing before its interest arrives: it
    // drops what it does not want itself. Nor one whose open waits for the owner: its
    // catch-up is every push heard since it opened, and its interest may come after the
    // pushes that follow it (search 45103: passed over, a gap).
    const joined = this.#registry.join(
      tabId,
      name,
      cursor || answered ? EVERYTHING : undefined,
      answered && true,
      openedAt,
      openAt,
      now,
    );
    this.#urls.set(name, tabId, urlProvider);
    entry.graceTimer.clear();
    // A catch-up kept for this tab's earlier open (released, or of a login that ended) is
    // not this one's.
    if (!again) this.#forgetCatchUp(tabId, name);
    // Closed while the page was in the back/forward cache: a logout made in another tab
    // (the page's own logout it does not rejoin). Resuming would bring that session back.
    if (intent === 'rejoin' && known?.connection.state === 'closed') {
      // Its cursor is of the login that ended: a reloaded page's cursor of it resumes
      // nothing either.
      if (cursor) entry.connection.endedElsewhere(cursor.session);
    } else {
      const resuming =
        known && !hasEnded(known.connection.state) ? known.connection.cursor : undefined;
      if (entry.connection.start(cursor, intent, openedAt) === 'started') {
        entry.login = ++this.#logins;
        if (record) record.next = true;
        // When the login was made: a rejoin's, in the hub that died (an older tab's: before
        // any logout); else its page's, or now.
        entry.connection.began = intent === 'rejoin' ? +(since as number) || 0 : openAt;
      }
      if (known && cursor) {
        const catchUp = () => {
          if (!this.#registry.isOn(tabId, name)) return;
          known.connection.missedBy(tabId, cursor, (missed) => {
            // A resync of the stream while this open waited for the owner was told every
            // other tab, and the hub's cursor may not have moved past it (review 21g): the
            // tab is told it too, unless it heard the stream past that gap (a page that
            // heard it on another hub: review 22d).
            const { connection } = known;
            if (resyncUnheard && missed !== 'resync' && !connection.heardPastGap(cursor)) {
              this.#registry.postTo(tabId, { kind: 'resync', name });
            }
            this.#catchUp(tabId, known, cursor, missed);
          });
        };
        if (!answered?.then(catchUp)) catchUp();
      } else if (known && answered && openSince !== undefined) {
        // Without a cursor: the pushes this hub passed on while the open waited went to its
        // other tabs, not to this one (opening), and the owner's catch-up starts past them.
        // Those heard since it opened follow `opened`, or `resync` (review 22g); for the
        // tab's last open only (a second handle's, `again`, joined nothing: the tab heard them).
        answered.then(() => {
          if (!joined || !this.#registry.isJoinedAs(tabId, name, joined)) return;
          this.#catchUp(tabId, known, undefined, known.connection.heardSince(openSince));
        });
      }
      // Its catch-up from this hub's stream is not all: the owner's verdict on the hub's
      // join, while it joins, is this tab's too (review 21e); one without a cursor is open
      // since its `since`, and the verdict covers the pushes after another tab's cursor
      // (review 22e).
      entry.connection.owe(tabId, openSince);
      // A session no push of which was heard (this hub's own, new) left no tab behind.
      const switched = cursor && resuming?.seq && resuming.session !== cursor.session;
      if (switched && entry.connection.cursor?.session === cursor.session) {
        // A fresh hub was about to resume a lost session from a tab's cursor, and this tab
        // knows the one that went on (`WireLink.learn`): the tabs that came with the lost one
        // missed pushes of this one.
        for (const other of this.#registry.tabsOn(name)) {
          if (other !== tabId) this.#registry.postTo(other, { kind: 'resync', name });
        }
      }
    }
    const opened = entry;
    const answer = (): Outcome<OpenAnswer> => {
      // The snapshot's cursor counts the pushes gathered for the next task: they go first,
      // or the tab would take them for pushes it had (a second handle during a burst).
      this.#registry.flush();
      const { options } = opened.connection;
      return { ok: true, value: { ...this.#snapshot(name, opened), options } };
    };
    // A hub that relays answers once the owner told it the state, not with a guess.
    return entry.connection.known?.then(answer) ?? answer();
  }

  setInterest(tabId: string, name: string, update: InterestUpdate): Outcome<void> {
    const refusal = checkInterest(update);
    if (refusal) return failure(refusal);
    const connection = this.#connections.get(name)?.connection;
    const view = this.#registry.interestOn(tabId, name);
    // Topics the server would refuse are told to this tab, not sent: a refused `sub` would
    // leave every tab without its topics, and refusals past the server's cap close the socket.
    const fitted = connection && view ? fitInterest(update, view, connection.limits) : { update };
    if (this.#registry.setInterest(tabId, name, fitted.update)) {
      connection?.setTopics(this.#registry.topicsOn(name));
    }
    if (fitted.refused) {
      const refusedTopics = fitted.refusedTopics ?? [];
      const error = serializeError(fitted.refused);
      this.#registry.postTo(tabId, { kind: 'error', name, error, refusedTopics });
    }
    return DONE;
  }

  async send(tabId: string, name: string, data: SocketData, tag?: TabSend): Promise<Outcome<void>> {
    const refusal = checkSocketData(data) ?? checkTabSend(tag);
    if (refusal) return failure(refusal);
    const entry = this.#connections.get(name);
    if (!entry || !this.#registry.isOn(tabId, name)) {
      return failure(new ReleasedError(`tabsocket: this tab is not attached to "${name}"`));
    }
    const { connection } = entry;
    const tell = numberingOf(
      tag,
      tabId,
      connection,
      (written) => this.#registry.postTo(tabId, { kind: 'written', name, ...written }),
      this.#writes,
    );
    try {
      await connection.send(data, tell);
      return DONE;
    } catch (error) {
      return failure(error as TabSocketError);
    } finally {
      if (tag) this.#writes.settled(tabId, tag.id);
    }
  }

  close(
    tabId: string,
    name: string,
    code: number,
    closeReason: string,
    session?: string,
    at?: number,
  ): Outcome<void> | Promise<Outcome<void>> {
    const refusal = checkClose(code, closeReason);
    if (refusal) return failure(refusal);
    if (!this.#registry.has(tabId)) return DONE;
    // A session that is not one (an older tab's: none; a page's script) names nothing.
    const named = typeof session === 'string' ? session : undefined;
    const live = this.#connections.get(name)?.connection;
    let connection = live;
    // A tab not on the name logs out of a login a hub that died held (`HubClient.close`): a
    // login here made after it, on another session, is not that one (review 24e: a rejoin
    // of it came first).
    if (!this.#registry.isOn(tabId, name) && connection?.isAfter(at, named)) connection = undefined;
    connection?.close(code, closeReason, 'logout');
    // No login of the name here: the tab's logout, posted again after the hub it went to died.
    // The owner, another hub, may not have heard it yet; this hub's next opens of the name
    // find the login ended (`#loggedOut`).
    if (!connection) {
      // An older tab's close says no time: it was made before it reached this hub. A login
      // it spared started after it, as one that starts here later would (`next`: its moved
      // sessions are its own, review 25r).
      this.#loggedOut.set(name, {
        ended: new Set(named === undefined ? [] : [named]),
        at: +(at as number) || this.env.clock.now(),
        ...(live && !hasEnded(live.state) && { next: true }),
      });
    }
    const done = connection
      ? connection.loggingOut
      : logOutElsewhere(this.env, this.#hubId, name, code, closeReason, named, at);
    return done?.then(() => DONE) ?? DONE;
  }

  release(tabId: string, name: string): void {
    this.#urls.remove(tabId, name);
    this.#forgetCatchUp(tabId, name);
    if (this.#registry.release(tabId, name)) this.#graceIfAlone(name);
    this.#connections.get(name)?.connection.setTopics(this.#registry.topicsOn(name));
  }

  leave(tabId: string): void {
    this.#urls.remove(tabId);
    this.#writes.forget(tabId);
    for (const name of this.#registry.remove(tabId)) {
      this.#forgetCatchUp(tabId, name);
      this.#graceIfAlone(name);
      this.#connections.get(name)?.connection.setTopics(this.#registry.topicsOn(name));
    }
  }

  /**
   * Only a change counts: every tab forwards the same `online` event, and every tab that
   * attaches reports `navigator.onLine`; neither may cut a backoff short again and again,
   * or tabs opened during a server outage would retry it at once, each.
   */
  network(online: boolean): void {
    if (typeof online !== 'boolean' || online === this.#online) return;
    this.#online = online;
    for (const { connection } of this.#connections.values()) connection.setOnline(online);
  }

  inspect(name: string): ConnectionSnapshot | undefined {
    const entry = this.#connections.get(name);
    return entry && this.#snapshot(name, entry);
  }

  /** Closes every connection and forgets every tab; nothing of the hub keeps running. */
  dispose(): void {
    for (const [name, entry] of this.#connections) {
      entry.graceTimer.clear();
      entry.connection.close(1001, '', 'released');
      this.#connections.delete(name);
    }
    this.#lifetime.release();
  }

  #createEntry(options: ResolvedConnectionOptions): Entry {
    const { name } = options;
    const registry = this.#registry;
    const environment = {
      ...this.env,
      hubId: this.#hubId,
      nextLogin: () => ++this.#relayLogins,
      ...this.#urls.environmentOf(options),
    };
    const connection = new SharedConnection(options, environment, registry);
    connection.setOnline(this.#online);
    connection.setTopics(registry.topicsOn(name));
    return { connection, login: 0, graceTimer: new Timer(this.env.clock) };
  }

  /**
   * A tab came back to a live connection behind its stream (a page reloaded while this
   * worker kept the socket): it gets the pushes it missed, or `resync` when they are no
   * longer kept. One that comes back with a cursor of a session the server lost meanwhile
   * gets `resync`, then the new session's cursor from its start and the pushes of it still
   * kept: the tab compares numbers within a session only, and would take pushes 1, 2… of the
   * new one for pushes of the old one it had.
   * `cursor`: the tab's; none for a tab that came without one (`heardSince`).
   */
  #catchUp(
    tabId: string,
    { connection }: Entry,
    cursor: SessionCursor | undefined,
    missed: Missed,
  ): void {
    const { name } = connection.options;
    if (!missed) return;
    if (missed !== 'resync') {
      this.#registry.postTo(tabId, { kind: 'frames', name, frames: missed });
      return;
    }
    this.#registry.postTo(tabId, { kind: 'resync', name });
    const current = connection.cursor;
    if (!cursor || !current || current.session === cursor.session) return;
    const start = { ...current, seq: 0 };
    connection.missedBy(tabId, start, (stream) => {
      if (!Array.isArray(stream)) return;
      this.#registry.postTo(tabId, { kind: 'cursor', name, cursor: start });
      this.#registry.postTo(tabId, { kind: 'frames', name, frames: stream });
    });
  }

  /** The tab's open of `name` is gone: so is what it was owed. */
  #forgetCatchUp(tabId: string, name: string): void {
    this.#connections.get(name)?.connection.forget(tabId);
  }

  #graceIfAlone(name: string): void {
    const entry = this.#connections.get(name);
    if (!entry || this.#registry.tabsOn(name).length > 0) return;
    entry.graceTimer.start(entry.connection.options.gracePeriod, () => {
      entry.connection.close(1000, '', 'released');
      this.#connections.delete(name);
    });
  }

  #snapshot(name: string, { connection, login }: Entry): ConnectionSnapshot {
    return {
      name,
      login,
      url: connection.options.url,
      state: connection.state,
      generation: connection.generation,
      failedAttempts: connection.failedAttempts,
      queued: connection.queued,
      tabs: this.#registry.tabsOn(name),
      role: connection.role,
      ...(connection.transport ? { transport: connection.transport } : {}),
      builds: connection.builds,
      limits: connection.limits,
      // Not a session the tabs are yet to be told with a `resync` (review 24f).
      ...(connection.toldCursor ? { cursor: connection.toldCursor } : {}),
    };
  }
}

const DONE: Outcome<void> = { ok: true, value: undefined };

/**
 * A logout recorded by a hub with no login of its name (`Hub.close`): the sessions it ended,
 * and when the tab made it (an older tab's, which says not: when it reached this hub).
 */
interface LoggedOut {
  ended: Set<string>;
  at: number;
  /** A login started here since (`Hub.open`'s epoch rule no longer holds). */
  next?: true;
}

/** The answer to a rejoin a recorded logout closed, with its name, url and options. */
const CLOSED = {
  state: 'closed',
  generation: 0,
  failedAttempts: 0,
  queued: 0,
  tabs: [],
  role: 'owner',
  builds: [],
} as const satisfies Partial<ConnectionSnapshot>;

/** Whether a login in `state` ended (its next start is a new login). */
function hasEnded(state: ConnectionState): boolean {
  return state === 'closed' || state === 'failed';
}
const EVERYTHING: Interest = { all: true, topics: [] };

function failure(error: TabSocketError): { ok: false; error: SerializedError } {
  return { ok: false, error: serializeError(error) };
}

function notAttached(tabId: string): Outcome<never> {
  return failure(new ReleasedError(`tabsocket: tab ${tabId} is not attached to the worker`));
}
