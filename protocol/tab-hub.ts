/**
 * The tab ↔ worker protocol. Types only: the client and the worker both import this file.
 *
 * Commands go tab → worker as comlink calls on the SharedWorker's port (`HubApi`). Events
 * go worker → tab on the same port as plain messages `{ tabsocket: TabEvent }`: they carry
 * no comlink id, so comlink ignores them, they cost no round trip, and sharing the port
 * keeps them in order with the command answers.
 */

import type { LimitOptions, ResolvedConnectionOptions, Transport } from './connection-options';
import type { SerializedError } from './errors';
import type { ConnectionState, StateDetail } from './state';

/** What a tab may hand to the socket: what `WebSocket.send` takes (objects are JSON-encoded in the tab). */
export type SocketData = string | ArrayBuffer | ArrayBufferView | Blob;

/** Fallible commands answer with this instead of throwing: comlink would strip the error's code. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

/** What one tab wants of one connection: every frame, and/or the frames of some topics. */
export interface Interest {
  all: boolean;
  topics: string[];
}

/** A change of a tab's interest since the last one the hub was told: topics added and removed. */
export interface InterestDiff {
  all: boolean;
  add: string[];
  remove: string[];
}

/**
 * How a tab tells the hub what it wants: the whole interest, or the diff from the last,
 * whichever is smaller. The tab gathers a task's subscribes into one (thousands of them in
 * a loop cost one message); the hub applies a diff in the time of its size.
 */
export type InterestUpdate = Interest | InterestDiff;

/**
 * Where a login's stream with a server that speaks the tabsocket protocol stands: its
 * session, the last push the tabs were given, and the next message id. The hub tells its
 * tabs and its relay peers; whichever hub takes the socket over next (a fresh worker after
 * a death, a reloaded page's worker, another build's hub, another tab's hub) resumes the
 * same session from it, so nothing is lost and no message id is used twice.
 */
export interface SessionCursor {
  session: string;
  seq: number;
  nextId: number;
  /**
   * How many times the login's stream went on under a new session id (the server lost the
   * one before); absent: none. Of two cursors of different sessions, the higher one's is the
   * live session: a fresh hub told both (a reloaded page's and another tab's) resumes it.
   */
  epoch?: number;
  /**
   * No resume of the session was ever written: no server knows it, and one told it takes it
   * for new. Absent, a server may have attached it (pushed into it too), so one that does
   * not know it lost it and answers `resync`. Cursors of older builds never say it: at
   * worst a resync for nothing, never a push lost in silence. Once a cursor of a session
   * lacks it, that session is never fresh again. With `numbered` too, see there.
   */
  fresh?: true;
  /**
   * A server that numbers its pushes (it said hello) had a resume of the session: a fresh
   * worker after a death resumes it, and the server replays what the tabs missed or says
   * `resync`, so a tab that heard no push yet has lost nothing. Absent (a plain server, no
   * resume written yet, an older build): the tab cannot tell, and resyncs after a death
   * unless it heard a push. Once a cursor of a session says it, that session keeps it.
   * With `fresh`: the hub never wrote a resume of it, but a hub or tab came to it with the
   * session numbered (a page of a login before a renewed one), so a hub that takes the
   * session from this cursor resumes it `held`, while a cursor of another session a peer's
   * tabs brought stays the one that peer resumes (see `fresh`).
   */
  numbered?: true;
}

/** A message id of one session: the server passes each on once within its session. */
export interface WireId {
  session: string;
  id: number;
  /**
   * In a send's `wire`: the sessions it was written in before this one, oldest first (its
   * frame's `was`, then `also`), at most `MAX_ALSO` + 1. A hub that writes it again names
   * them, so that the server passes it on once (review 18b).
   */
  before?: WireId[];
}

/**
 * A send as the tab names it to the hub: by the tab's own number for it, so that the hub
 * tells the tab where the send stands (the `written` event). `wire`, when an earlier hub
 * (a worker that died) wrote it numbered: a hub on that session writes it under that id
 * again, so the server passes it on once.
 */
export interface TabSend {
  id: number;
  wire?: WireId;
  /**
   * The tab answers each `written` event that `awaits` with `heard`: the hub writes the send
   * numbered only then, so that the tab knows its id before the server may have it. (Its
   * worker's last messages and the news of its death reach the tab in either order.)
   */
  confirms?: true;
}

/** An inbound frame as tabs and relay peers get it; `seq` is its push number, when it is one. */
export interface TabFrame {
  data: unknown;
  topic?: string;
  seq?: number;
  /**
   * When the hub that owned the socket heard it (`Date.now()`, one clock for the whole
   * browser), kept as relays and catch-ups pass it on: a lagging channel carries a push past
   * a tab's open, and a logged-out login's past the next user's (review 23g).
   */
  at?: number;
}

/** The worker's view of one connection, for `inspect()`, the demo and tests. */
export interface ConnectionSnapshot {
  name: string;
  /** The fixed url, or `URL_PROVIDED` when the tabs' url functions give one per attempt. */
  url: string;
  state: ConnectionState;
  /** Sockets opened so far for this connection: each new attempt takes the next number. */
  generation: number;
  /** Failed attempts in a row. */
  failedAttempts: number;
  /** Messages not finished with: waiting to be written, or written and not yet acknowledged. */
  queued: number;
  /**
   * The login the connection is on in this hub: a new number each time an `open` starts it
   * (anew, after a logout or a failure, or under a new url). A tab whose `open` answers
   * another login than its earlier handles of the name had retires those (`replaced`).
   * Missing from a hub of an older build.
   */
  login?: number;
  /** Ids of the tabs attached to this connection. */
  tabs: string[];
  /**
   * What this hub does for the connection: it holds the socket (`owner`), or it serves its
   * tabs through the hub that does (`relay`), as another build's worker or another tab's hub.
   */
  role: 'owner' | 'relay';
  /**
   * The owner's transport: a WebSocket, or the HTTP stream where WebSocket is blocked.
   * Missing when the owner is of an older build.
   */
  transport?: Transport;
  /** Where the session stands, as this hub knows it: tabs drop the pushes they had. */
  cursor?: SessionCursor;
  /** The builds (worker script URLs) of the hubs on the connection; empty until one owns it. */
  builds: string[];
  /**
   * What the server takes, as this hub knows it: the `limits` option, each overridden by
   * what the server's hello said. Missing from a hub of an older build.
   */
  limits?: Required<LimitOptions>;
}

/** The worker's answer to `open`: the connection as `inspect` shows it, and its options. */
export interface OpenAnswer extends ConnectionSnapshot {
  /**
   * The options the connection runs with in this hub: those of the open that started its
   * login, whichever tab's. The tab opens it with these again after a death, so the login
   * keeps them whichever tab reaches the fresh worker first. Missing from an older build.
   */
  options?: ResolvedConnectionOptions;
}

/** The worker's answer to `attach`. */
export interface AttachAnswer {
  /**
   * The id of the worker's hub, set once it holds the Web Lock `hubLockName(hubId)`,
   * which it keeps until it dies: the tab queues for that lock, and the grant tells it the
   * worker is gone. Missing where the worker has no Web Locks, or is of a build before 0.1
   * (which answers nothing at all): its death then goes unnoticed.
   */
  hubId?: string;
  /**
   * `hubId` under the name tabs of 0.1 read: a hub answers both, so that a tab and a worker
   * of two deploys (one script URL) still see each other's deaths. Drop at 1.0.
   */
  workerId?: string;
  /**
   * This hub tells the tab of each send it writes (`written`), so a tab whose worker died
   * knows what to post again. A hub of an older build does not: a send pending at its
   * death is rejected, as whether it was written is unknown.
   */
  reportsWrites?: boolean;
  /**
   * This hub posts `opened` as it takes each `open`, before that open's catch-up: the tab's
   * new login hears what follows it only. A hub of an older build does not: the tab's
   * handles then hear from the open on (its catch-up comes before its answer).
   */
  tellsOpened?: boolean;
}

/**
 * A tab's url function as the worker calls it, across the port: it answers the url as the
 * tab resolved it against the page, and rejects when the app's function threw or gave a url
 * that is not one.
 */
export type TabUrlProvider = () => Promise<string>;

/**
 * Why a tab opens a connection: the app's `connect()` (or a fresh worker taking over), or
 * a page back from the back/forward cache joining again what it left at pagehide.
 */
export type OpenIntent = 'login' | 'rejoin';

export interface HubApi {
  /**
   * Registers the calling tab, or the same tab again on a new worker after the old one
   * died. The tab holds the Web Lock `tabLockName(tabId)` before it calls this.
   */
  attach(tabId: string, online: boolean): Promise<AttachAnswer>;
  /**
   * Joins (or starts, or replaces, when the url differs) the connection `options.name`. The
   * worker checks `options` again, as every argument below: a refusal is an `Outcome` whose
   * error is `InvalidOptionError` or `InvalidArgumentError`. `resumeFrom`, the cursor the
   * tab last heard of (after its worker died, or across a reload), lets a connection this
   * call starts resume that session rather than begin a new one. `urlProvider`, with
   * `options.url` `URL_PROVIDED`, is the tab's url function (a comlink proxy): the worker
   * calls it before connect attempts, while the tab stays on the connection. A `rejoin` to
   * a connection closed meanwhile (a logout in another tab) joins it closed. `since`: when
   * the tab's handles of the connection opened, its login here (`Date.now()`, one clock for
   * every context of the browser). With no cursor, a hub that relays asks its owner for the
   * pushes heard since, as its tabs want them (a fresh worker after a death starts later
   * than they); a rejoin's tells a hub that recorded a logout (`close`) whether its login was
   * made after it. Absent (an older tab): a rejoin counts as made before.
   */
  open(
    tabId: string,
    options: ResolvedConnectionOptions,
    resumeFrom?: SessionCursor,
    urlProvider?: TabUrlProvider,
    intent?: OpenIntent,
    since?: number,
  ): Outcome<OpenAnswer> | Promise<Outcome<OpenAnswer>>;
  setInterest(tabId: string, name: string, interest: InterestUpdate): Outcome<void>;
  /** `tag` names the send for `written` events; without it (an older tab) none is told. */
  send(tabId: string, name: string, data: SocketData, tag?: TabSend): Promise<Outcome<void>>;
  /** The tab recorded the `written` event of its send `id` that `awaits`, naming `wire`. */
  heard(tabId: string, name: string, id: number, wire: WireId): void;
  /**
   * Logout: closes the connection for every tab; it stays closed until a tab opens it again.
   * A hub that relays answers once the owner said it closed (or within a second): until
   * then, the owner may still pass the login's pushes to other hubs' tabs. `session`: the
   * session of the tab's cursor of the login (`SessionCursor.session`), when it has one. A
   * hub that holds no login of the name (its worker died before it answered, and the tab
   * posts the logout again to the fresh one) records it as ended: a rejoin of the name from
   * another tab whose worker died joins the login closed, and a later login never resumes
   * that session. Absent (an older tab): the rejoin still joins closed. `at`: when the tab
   * made the logout (`Date.now()`): a rejoin of a login made after it (its `since`), and a
   * login of another session made after it, are not ended by it. Absent: every rejoin is.
   */
  close(
    tabId: string,
    name: string,
    code: number,
    closeReason: string,
    session?: string,
    at?: number,
  ): Outcome<void> | Promise<Outcome<void>>;
  /** This tab leaves one connection. */
  release(tabId: string, name: string): void;
  /** This tab leaves every connection (pagehide). */
  leave(tabId: string): void;
  /** The tab's window saw `online` / `offline` (Chrome fires neither inside workers). */
  network(online: boolean): void;
  inspect(name: string): ConnectionSnapshot | undefined;
}

export type TabEvent =
  | { kind: 'state'; name: string; state: ConnectionState; detail: StateDetail }
  /**
   * Inbound frames, in order; `topic` is set on those that name one. `seq`, when the stream
   * went past them with pushes of topics this tab does not want (then `frames` may be
   * empty): the number of the last of those, so that the tab's cursor keeps up with the
   * stream and a hub resuming from it later has nothing to replay to it.
   */
  | { kind: 'frames'; name: string; frames: TabFrame[]; seq?: number }
  /**
   * The tab's send `id` is about to be written: numbered as `wire` (it settles on the
   * server's ack), or, without `wire`, plainly (it is sent). Told before the write, so
   * a tab whose worker dies before the answer knows what the server may have. `awaits`:
   * the hub writes it once the tab answers `heard` (the tab's tag `confirms`).
   */
  | { kind: 'written'; name: string; id: number; wire?: WireId; awaits?: true }
  /** The session's cursor moved on: a new session, or message ids taken. */
  | { kind: 'cursor'; name: string; cursor: SessionCursor }
  /** The builds (worker script URLs) of the hubs that share this connection in the browser. */
  | { kind: 'builds'; name: string; builds: string[] }
  | {
      kind: 'error';
      name: string;
      error: SerializedError;
      /** The topics of this tab's interest update the hub refused: it holds none of them. */
      refusedTopics?: string[];
    }
  /**
   * Pushes were lost beyond what the server could replay: refetch the state. `past`: only
   * pushes made before the socket opened (the resume's answer starts a new session at its
   * first push; the server kept what it wrote to the socket since): a handle that joined
   * the socket open, bringing no cursor, lost none of its own.
   */
  | { kind: 'resync'; name: string; past?: true | undefined }
  /**
   * The hub took one of this tab's opens of `name`, one event per open, before any event
   * of the login it joins or starts: what came before is of the tab's login before (a
   * logout, or a release in the same task, which keeps the tab on the connection).
   */
  | { kind: 'opened'; name: string };

export interface TabEventMessage {
  tabsocket: TabEvent;
}
