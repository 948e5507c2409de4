import { type Remote, wrap } from 'comlink';
import type { ResolvedConnectionOptions } from '../protocol/connection-options';
import { ConnectionClosedError, deserializeError, WorkerError } from '../protocol/errors';
import { randomId } from '../protocol/random-id';
import type {
  ConnectionSnapshot,
  HubApi,
  OpenIntent,
  Outcome,
  SessionCursor,
  SocketData,
  TabEventMessage,
  TabUrlProvider,
} from '../protocol/tab-hub';
import { checkClose, checkSocketData } from '../protocol/tab-hub-checks';
import { type HandleGroup, loginEnded, retireOlderLogins, startsNewLogin } from './handle-group';
import { type PendingSend, PendingSends, tagOf } from './pending-sends';
import { StreamCursors } from './stream-cursors';
import { TabInterest } from './tab-interest';
import type { HandleHost, TabSocketHandle } from './tab-socket';
import { holdTabLock, type Incarnation, newIncarnation, whenWorkerGone } from './worker-lifetime';
import { type WorkerLink, WorkerLoadWatch } from './worker-load';

/** A fresh worker normally answers `attach` within a few ms (under 60 ms measured). */
const FIRST_ATTACH_TIMEOUT = 500;
/**
 * The longest a worker may take to answer `attach`: the first start of the client waits this
 * long (its script may still be loading), and so does the last step of the ladder after a
 * death. No answer then means none will come.
 */
export const MAX_ATTACH_TIMEOUT = 8_000;

/**
 * This tab's client of one hub (a worker), shared by every handle `connect()` returns for it:
 * one tab id, one Web Lock, one port. It forwards the window's signals (online, offline,
 * pagehide) and routes the worker's events to the handles by connection name.
 *
 * It also watches the worker: the worker holds a Web Lock for its whole life and the tab
 * queues for it, so the grant means the worker died. Then every pending call but `send`
 * rejects with `WorkerError`, every live handle reports `worker-lost`, and, when
 * `restartable`, the tab starts a fresh worker (`start()` again), attaches under the same
 * tab id, opens every connection again with its options, cursor and interest, and posts
 * the sends the dead worker did not finish (see `PendingSends`). A worker that does not
 * answer `attach` in time is given up: for a fresh one after a death, up to the last step of
 * the ladder; for good after that, or after `MAX_ATTACH_TIMEOUT` from the first start.
 */
export class HubClient implements HandleHost {
  readonly tabId = randomId();
  readonly #tabLock: Promise<void>;
  #current: Incarnation;
  /** Connection name → this tab's handles of it. */
  readonly #handles = new Map<string, HandleGroup<TabSocketHandle>>();
  readonly #cursors = new StreamCursors();
  readonly #sends = new PendingSends();
  /** The sends a dead worker left, for the fresh one once it opened their connections. */
  #resend: PendingSend[] = [];
  /** How long a fresh worker, started after a death, may take to answer `attach`. */
  #attachTimeout = FIRST_ATTACH_TIMEOUT;
  /** Set once no worker answered within `MAX_ATTACH_TIMEOUT`: every call fails with it. */
  #silence: WorkerError | undefined;
  /** The login each handle's own `open` was answered with (`ConnectionSnapshot.login`). */
  readonly #logins = new WeakMap<TabSocketHandle, number>();
  /**
   * The logins this tab asked to close (a valid `close()`): a `connect()` after it is a new
   * login, whatever the handles heard yet, as the worker will answer it once the close ran.
   */
  readonly #loggingOut = new WeakSet<HandleGroup<TabSocketHandle>>();
  /** By name: the opens posted to the current worker, and those it took (`opened`). */
  readonly #opens = new Map<string, { posted: number; taken: number }>();
  /**
   * A handle joining a group that opened already (or whose first open is on its way), until
   * the worker took its open (the number of that open, `#opens`): a `resync` it posted
   * before is of the stream before the handle (seed 3008: a second handle made as a resync
   * was on its way got it).
   */
  readonly #joining = new Map<TabSocketHandle, number>();

  /**
   * `start` starts (or joins) the worker; it runs now, and again after each death when
   * `restartable`. A throw of the first start reaches the caller. A worker that fails to load
   * or run reaches the handles as an `error` event.
   */
  constructor(
    private readonly start: () => WorkerLink,
    private readonly restartable: boolean,
  ) {
    // Started before the lock is taken: a `worker` option that throws leaves no lock behind.
    const link = start();
    // The lock must be held before the worker hears of the tab (`attach` waits for it):
    // otherwise the worker's own request would be granted at once and a live tab dropped as gone.
    this.#tabLock = holdTabLock(this.tabId);
    this.#current = this.#begin(link, false);
    addEventListener('online', () => this.#call((hub) => hub.network(true)));
    addEventListener('offline', () => this.#call((hub) => hub.network(false)));
    addEventListener('pagehide', () => {
      // A login that ended leaves nothing to resume: with a url function every login's
      // `options.url` is the same placeholder, so the next page could not tell them apart.
      this.#cursors.save(
        new Map([...this.#handles].filter(([, login]) => !loginEnded(login.handles))),
      );
      this.#call((hub) => hub.leave(this.tabId));
    });
    // A page restored from the back/forward cache left at pagehide: join again.
    addEventListener('pageshow', (event) => {
      if (event.persisted) this.#rejoin();
    });
  }

  /** Opens (or joins) the connection for `handle`, with the options it was created with. */
  open(
    handle: TabSocketHandle,
    options: ResolvedConnectionOptions,
    urlProvider?: TabUrlProvider,
  ): void {
    const entry = this.#handles.get(handle.name);
    let resumeFrom: SessionCursor | undefined;
    let login: 'joined' | 'new' = 'joined';
    const ended = entry && this.#loggingOut.has(entry);
    if (entry && !ended && !startsNewLogin(entry.options, entry.handles, options)) {
      // The login keeps the options of the handle that opened it, in the worker as in this
      // tab: a fresh worker after a death gets those, not the last handle's.
      entry.urlProvider = urlProvider;
      entry.handles.add(handle);
    } else {
      // A group per login: the sends of one that ended never go to the next (`#reopenAll`).
      const handles = new Set([handle]);
      this.#handles.set(handle.name, {
        options,
        handles,
        urlProvider,
        interest: new TabInterest(),
        phase: { kind: 'opening' },
        openedAt: Date.now(),
      });
      login = 'new';
      if (entry) {
        // The app logged in again and holds a new handle: the handles of the old login
        // in this tab stop here, or each push would reach its listeners twice (also those
        // it logged out of whose close the worker did not answer yet).
        for (const old of entry.handles) old.retire();
        this.#cursors.forget(handle.name);
      } else {
        // The page before this one (a reload) may have left its session to resume.
        resumeFrom = this.#cursors.takeSaved(handle.name, options.url);
        this.#cursors.tell(handle.name, resumeFrom);
      }
    }
    if (this.#silence) handle.workerSilent(this.#silence);
    else {
      this.#call((hub) => this.#openOn(hub, options, resumeFrom, handle));
      // A new login's interest goes whole, once the worker has the tab on the connection.
      if (login === 'new') {
        const group = this.#handles.get(handle.name);
        this.#call((hub) => this.#sendInterest(hub, handle.name, group));
      }
    }
  }

  send(name: string, data: SocketData): Promise<void> {
    const login = this.#handles.get(name);
    return this.#sends.add(name, login, data, (send) => this.#post(send));
  }

  async close(name: string, code: number, closeReason: string): Promise<void> {
    const login = this.#handles.get(name);
    if (login && !checkClose(code, closeReason)) this.#loggingOut.add(login);
    // When it was made: posted again to a fresh worker, it ends no login made after it.
    const at = Date.now();
    for (;;) {
      const asked = this.#current;
      try {
        unwrap(
          await this.#ask<Outcome<void>>((hub) =>
            hub.close(this.tabId, name, code, closeReason, this.#cursors.get(name)?.session, at),
          ),
        );
        return;
      } catch (error) {
        // The worker died before it answered: the fresh one reopens the login from the
        // tabs' cursors, so the logout goes to it too, or it would stand undone; one that
        // holds no login of the name tells the owner, another hub, over the relay and waits
        // for its word, as the dead one may not have told it (`logOutElsewhere`). Not once
        // the tab logged in again under the name: the fresh worker opens that new login
        // (its cursor is none of the old session's), which the logout would end.
        if (!asked.dead || this.#current === asked || this.#handles.get(name) !== login) {
          throw error;
        }
      }
    }
  }

  async release(handle: TabSocketHandle): Promise<void> {
    const entry = this.#handles.get(handle.name);
    if (!entry?.handles.delete(handle)) return;
    if (entry.handles.size > 0) {
      for (const key of handle.listeningKeys) this.#interestChange(entry, key, false);
      return;
    }
    this.#handles.delete(handle.name);
    this.#cursors.forget(handle.name);
    await this.#ask(async (hub) => {
      // Connected again under the name before this reached the worker (in the same task,
      // or while a fresh worker started): the tab stays on the connection, and leaving now
      // would take the new login's interest with it.
      if (this.#handles.has(handle.name)) return;
      await hub.release(this.tabId, handle.name);
    });
  }

  inspect(name: string): Promise<ConnectionSnapshot | undefined> {
    return this.#ask((hub) => hub.inspect(name));
  }

  interestChanged(handle: TabSocketHandle, key: string, listening: boolean): void {
    const entry = this.#handles.get(handle.name);
    // A released or retired handle is no share of the tab's interest any more.
    if (entry?.handles.has(handle)) this.#interestChange(entry, key, listening);
  }

  /**
   * Counts the change; the first of a task schedules the update, which runs after the
   * task's other subscribes, and so tells the worker all of them at once.
   */
  #interestChange(entry: HandleGroup<TabSocketHandle>, key: string, listening: boolean): void {
    const first = listening ? entry.interest.add(key) : entry.interest.remove(key);
    const { name } = entry.options;
    if (first) this.#call((hub) => this.#sendInterest(hub, name, entry));
  }

  /** Starts following the worker on `link`: attaches, watches its lock, re-opens if asked. */
  #begin(link: WorkerLink, reopen: boolean): Incarnation {
    const incarnation = newIncarnation(link.port);
    const load = new WorkerLoadWatch(
      link,
      {
        failed: (error) => this.#giveUp(incarnation, error),
        errored: (event) => {
          if (!incarnation.dead) this.#failAll(event);
        },
      },
      !reopen && this.restartable ? () => this.start() : undefined,
    );
    // Setting onmessage starts the port, as start() would.
    link.port.onmessage = (event) => {
      if (!incarnation.dead) this.#onEvent(event, incarnation);
    };
    const attachWithin = reopen ? this.#attachTimeout : MAX_ATTACH_TIMEOUT;
    incarnation.hub = (async () => {
      const hub = wrap<HubApi>(link.port);
      await this.#tabLock;
      // A fresh worker started in the instant of the old one's death may be that dying
      // worker still (Firefox hands out a closing SharedWorker for a moment): one that
      // does not answer in time is given up for another, at growing intervals. One that
      // does not answer within the longest is silent for good.
      const timer = setTimeout(() => {
        if (attachWithin < MAX_ATTACH_TIMEOUT) this.#lose(incarnation);
        else this.#giveUp(incarnation);
      }, attachWithin);
      let answer: Awaited<ReturnType<HubApi['attach']>>;
      try {
        answer = await incarnation.race(hub.attach(this.tabId, navigator.onLine));
      } finally {
        // Also when attach failed: a timer left behind would later take a live worker for dead.
        clearTimeout(timer);
        load.stop();
      }
      load.answered();
      this.#attachTimeout = FIRST_ATTACH_TIMEOUT;
      incarnation.reportsWrites = answer?.reportsWrites === true;
      incarnation.tellsOpened = answer?.tellsOpened === true;
      whenWorkerGone(answer?.hubId ?? answer?.workerId, () => this.#lose(incarnation));
      // Posted before any command that waited for this worker: the connections exist
      // on it before a send or an interest names them.
      if (reopen) this.#reopenAll(hub, incarnation);
      return hub;
    })();
    // A failed start reaches the handles through the first command (#call); not twice.
    incarnation.hub.catch(() => {});
    return incarnation;
  }

  /** The worker died: settle what waited on it, tell the handles, start another. */
  #lose(incarnation: Incarnation): void {
    const death = new WorkerError(
      'tabsocket: the shared worker stopped before it answered (killed, crashed or ended by the browser)',
    );
    if (!this.#bury(incarnation, death)) return;
    let next: WorkerLink | undefined;
    let failure: unknown;
    if (this.restartable) {
      try {
        next = this.start();
      } catch (cause) {
        failure = cause;
      }
    }
    for (const [name, { handles }] of this.#handles) {
      // A session with pushes, or one a server that numbers them had, is resumed by the
      // fresh worker; the server says if it cannot.
      const cursor = this.#cursors.get(name);
      const resumable = Boolean(cursor?.seq || cursor?.numbered);
      for (const handle of handles) handle.loseWorker(next ? 'connecting' : 'failed', resumable);
    }
    if (next) {
      this.#resend = this.#sends.workerLost();
      this.#current = this.#begin(next, true);
      this.#attachTimeout = Math.min(this.#attachTimeout * 2, MAX_ATTACH_TIMEOUT);
      return;
    }
    const error = this.restartable
      ? new WorkerError('tabsocket: the shared worker died and a new one could not start', {
          cause: failure,
        })
      : new WorkerError(
          'tabsocket: the shared worker died; pass `worker` as a function that returns a new SharedWorker to have tabsocket start another',
        );
    this.#sends.endAll(error);
    for (const { handles } of this.#handles.values()) {
      for (const handle of handles) handle.fail(error);
    }
  }

  /**
   * No worker answered `attach` within `MAX_ATTACH_TIMEOUT`, or its script failed to load:
   * none is started again, as the same script would be as silent. Every call rejects with
   * `error`, every handle fails (`worker-silent`).
   */
  #giveUp(
    incarnation: Incarnation,
    error = new WorkerError(
      `tabsocket: the shared worker did not answer within ${MAX_ATTACH_TIMEOUT} ms (it started but never attached this tab): no call can reach it`,
    ),
  ): void {
    if (!this.#bury(incarnation, error)) return;
    this.#silence = error;
    this.#resend = [];
    this.#sends.endAll(error);
    for (const { handles } of this.#handles.values()) {
      for (const handle of handles) handle.workerSilent(error);
    }
  }

  /** Stops following the current worker: every call waiting on it rejects with `error`. */
  #bury(incarnation: Incarnation, error: WorkerError): boolean {
    if (incarnation.dead || incarnation !== this.#current) return false;
    incarnation.dead = true;
    incarnation.port.onmessage = null;
    incarnation.port.close();
    incarnation.markLost(error);
    this.#forgetInterests();
    // The next worker counts the opens posted to it, and takes each group's open anew.
    this.#opens.clear();
    this.#joining.clear();
    for (const group of this.#handles.values()) {
      if (group.phase.kind === 'opening') group.phase = { kind: 'opening' };
    }
    return true;
  }

  /**
   * On a fresh worker: every connection that was live opens again, with its cursor and
   * interest, and then gets the sends the dead worker left: the connection resumes the
   * session first, so the message ids they were written under still hold.
   */
  #reopenAll(hub: Remote<HubApi>, incarnation: Incarnation): void {
    const resend = this.#resend;
    this.#resend = [];
    const reopened = new Set<unknown>();
    for (const [name, login] of this.#handles) {
      if (login.handles.size === 0 || loginEnded(login.handles)) continue;
      // A rejoin: a logout made while no worker held the login is heard, not undone.
      this.#openOn(hub, login.options, this.#cursors.get(name), undefined, 'rejoin').catch(
        () => {},
      );
      this.#sendInterest(hub, name);
      reopened.add(login);
      for (const send of resend) if (send.login === login) this.#sendOn(hub, incarnation, send);
    }
    for (const send of resend) {
      if (reopened.has(send.login)) continue;
      this.#sends.fail(
        send,
        new ConnectionClosedError(
          'tabsocket: its login had ended (closed, failed, released or replaced) when the worker died: the message was not sent again',
        ),
      );
    }
  }

  /** Posts a send to the current worker, once the tab is attached to it. */
  #post(send: PendingSend): void {
    const incarnation = this.#current;
    incarnation.hub.then(
      (hub) => this.#sendOn(hub, incarnation, send),
      (error: unknown) => this.#failSend(send, incarnation, error),
    );
  }

  #sendOn(hub: Remote<HubApi>, incarnation: Incarnation, send: PendingSend): void {
    // A buffer transferred away since send() would reject the post with a raw DataCloneError.
    const refusal = checkSocketData(send.data);
    if (refusal) {
      this.#sends.fail(send, refusal);
      return;
    }
    if (!incarnation.reportsWrites) this.#sends.untold(send);
    const call = hub.send(this.tabId, send.name, send.data, tagOf(send)) as Promise<Outcome<void>>;
    incarnation.race(call).then(
      (outcome) => this.#sends.settle(send, outcome),
      (error: unknown) => this.#failSend(send, incarnation, error),
    );
  }

  /** A send cut short by a death waits for the fresh worker (`#lose`), if one comes. */
  #failSend(send: PendingSend, incarnation: Incarnation, error: unknown): void {
    if (!incarnation.dead || incarnation === this.#current) this.#sends.fail(send, error);
  }

  /**
   * Opens the connection on `hub`: for `opener`, a handle `connect()` just made, or, without
   * one, again for every handle of the name (a fresh worker, a page back from the cache).
   */
  async #openOn(
    hub: Remote<HubApi>,
    options: ResolvedConnectionOptions,
    resumeFrom?: SessionCursor,
    opener?: TabSocketHandle,
    intent: OpenIntent = 'login',
  ): Promise<void> {
    const asked = this.#handles.get(options.name);
    const opens = this.#opens.get(options.name) ?? { posted: 0, taken: 0 };
    this.#opens.set(options.name, opens);
    opens.posted += 1;
    // The group's first open to this worker: a handle joining it meanwhile opens too, and
    // the events after the first `opened` are this group's already (a catch-up). A hub of
    // an older build tells no `opened`: its events count from the open on, as they did.
    const ownOpen = asked?.phase.kind === 'opening' && (!opener || asked.handles.has(opener));
    if (asked?.phase.kind === 'opening' && ownOpen && asked.phase.open === undefined) {
      asked.phase = this.#current.tellsOpened ? { kind: 'opening', open: opens.posted } : JOINED;
    } else if (opener && this.#current.tellsOpened) {
      // Joining the group (also while its first open waits to be answered: review 15).
      this.#joining.set(opener, opens.posted);
    }
    // With a cursor too: a hub that recorded a logout tells a login made after it by this.
    const outcome = await hub.open(
      this.tabId,
      options,
      resumeFrom,
      asked?.urlProvider,
      intent,
      asked?.openedAt,
    );
    if (opener) this.#joining.delete(opener);
    // Refused before it was taken: no `opened` comes for it, and the next open's is the next.
    if (!outcome.ok) opens.taken += 1;
    const group = this.#handles.get(options.name);
    // Answered: the open was taken, whatever `opened` this tab heard.
    if (group && ownOpen && group === asked) group.phase = JOINED;
    const handles = group?.handles ?? [];
    if (!outcome.ok) {
      for (const handle of handles) handle.fail(deserializeError(outcome.error));
      return;
    }
    const { login } = outcome.value;
    let retired: TabSocketHandle[] = [];
    if (login !== undefined && group) {
      if (!opener) for (const handle of handles) this.#logins.set(handle, login);
      else retired = retireOlderLogins(group, this.#logins, opener, login);
    }
    if (group && retired.length > 0) {
      // The ended login's session is not this one's: a fresh worker must not resume it.
      this.#cursors.forget(options.name);
      for (const old of retired) {
        for (const key of old.listeningKeys) this.#interestChange(group, key, false);
      }
    }
    // The login's options are those the worker runs it with, set by the handle that opened
    // it, in whichever tab (a hub of an older build does not say: a login this open started
    // anew is the opener's).
    const running = outcome.value.options ?? (retired.length > 0 ? options : undefined);
    if (group && running?.url === group.options.url) group.options = running;
    this.#cursors.tell(options.name, outcome.value.cursor);
    for (const handle of handles) handle.adopt(outcome.value, resumeFrom);
  }

  /** Tells the worker what changed of this tab's interest in `name`, if anything did. */
  #sendInterest(hub: Remote<HubApi>, name: string, group = this.#handles.get(name)): unknown {
    // An update asked for by a login that ended meanwhile (released, then connected again
    // in the same task) is not the new login's: taking its state here would tell the hub
    // too little, and the new login's own update then nothing.
    if (!group || this.#handles.get(name) !== group) return undefined;
    const update = group.interest.takeUpdate();
    return update && hub.setInterest(this.tabId, name, update);
  }

  /** The worker is a fresh one, or forgot the tab: it hears each interest whole. */
  #forgetInterests(): void {
    for (const { interest } of this.#handles.values()) interest.forget();
  }

  /**
   * The page left at pagehide and missed what came meanwhile: each live connection opens
   * again from the tab's cursor, so the hub hands it the pushes it missed (or `resync`), or
   * a connection released meanwhile resumes the session. One this page logged out of stays
   * closed, and one another tab logged out of meanwhile the hub joins closed. A hub that no
   * longer knows of that logout (the worker ended meanwhile) cannot tell: the session resumes.
   */
  #rejoin(): void {
    this.#call(async (hub) => {
      await hub.attach(this.tabId, navigator.onLine);
      // Forgotten once attached: an update asked for before (a subscribe in the task of the
      // pageshow) reached a hub the tab had left, and must not count as told.
      this.#forgetInterests();
      for (const [name, { options, handles }] of this.#handles) {
        if (loginEnded(handles)) continue;
        this.#openOn(hub, options, this.#cursors.get(name), undefined, 'rejoin').catch(() => {});
        this.#sendInterest(hub, name);
      }
    });
  }

  #onEvent(event: MessageEvent, incarnation: Incarnation): void {
    const received = (event.data as Partial<TabEventMessage> | null)?.tabsocket;
    if (received?.kind === 'written') {
      const { name, id, wire } = received;
      this.#sends.written(id, wire);
      // Recorded: the hub may write it now (also one this tab settled meanwhile).
      if (received.awaits && wire) {
        incarnation.hub.then((hub) => hub.heard(this.tabId, name, id, wire)).catch(() => {});
      }
      return;
    }
    const group = received && this.#handles.get(received.name);
    if (received?.kind === 'opened') {
      const opens = this.#opens.get(received.name);
      if (opens) opens.taken += 1;
      for (const [handle, open] of this.#joining) {
        if (handle.name === received.name && open <= (opens?.taken ?? 0)) {
          this.#joining.delete(handle);
        }
      }
      const { phase } = group ?? {};
      if (phase?.kind === 'opening' && (opens?.taken ?? 0) >= (phase.open ?? Infinity)) {
        (group as HandleGroup<TabSocketHandle>).phase = JOINED;
      }
      return;
    }
    // An event of the tab's login before this group's reaches none of its handles.
    if (!group || group.phase.kind === 'opening') {
      if (received) this.#cursors.pass(received);
      return;
    }
    if (received.kind === 'error' && Array.isArray(received.refusedTopics)) {
      group.interest.refused(received.refusedTopics);
    }
    const tabEvent = this.#cursors.pass(received);
    if (!tabEvent) return;
    for (const handle of group.handles) {
      if (tabEvent.kind !== 'resync' || !this.#joining.has(handle)) handle.receive(tabEvent);
    }
  }

  /**
   * Asks the current worker and waits for its answer, or for its death: a call on a dead
   * port would never settle, so the death rejects it with `WorkerError`.
   */
  async #ask<T>(command: (hub: Remote<HubApi>) => Promise<T>): Promise<T> {
    const { hub, race } = this.#current;
    return race(hub.then(command));
  }

  /**
   * Runs a command once the tab is attached; a failure reaches the handles' error listeners.
   * One cut short by the worker's death is not reported: the fresh worker is told again.
   */
  #call(command: (hub: Remote<HubApi>) => unknown): void {
    const incarnation = this.#current;
    incarnation.race(incarnation.hub.then(command)).catch((cause: unknown) => {
      if (!incarnation.dead) this.#failAll(cause);
    });
  }

  /** The worker script failed to load or crashed: every handle hears of it. */
  #failAll(cause: unknown): void {
    const error = new WorkerError('tabsocket: the shared worker did not answer', { cause });
    for (const { handles } of this.#handles.values()) {
      for (const handle of handles) handle.fail(error);
    }
  }
}

const JOINED = { kind: 'joined' } as const;

/** A refusal becomes the typed error. No outcome at all is no refusal: a worker of an older build answers close() with nothing. */
function unwrap(outcome: Outcome<unknown> | undefined): void {
  if (outcome?.ok === false) throw deserializeError(outcome.error);
}
