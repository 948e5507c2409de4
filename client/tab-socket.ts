import { DEFAULT_LIMITS } from '../protocol/connection-options';
import {
  deserializeError,
  InvalidArgumentError,
  ReleasedError,
  type TabSocketError,
  TooLargeError,
} from '../protocol/errors';
import type { ConnectionState, StateDetail } from '../protocol/state';
import type { ConnectionSnapshot, SessionCursor, SocketData, TabEvent } from '../protocol/tab-hub';
import { checkSocketData, isSocketData } from '../protocol/tab-hub-checks';
import { Listeners } from './listeners';
import { EVERY_FRAME } from './tab-interest';

/** What `send` takes: text and binary go as they are, any other value as JSON. */
export type SendData =
  | string
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | object
  | number
  | boolean
  | null;

export interface TabSocketEvents {
  /** The shared connection changed state (as every attached tab sees it). */
  state: (state: ConnectionState, detail: StateDetail) => void;
  /** Every frame from the server, once per tab: parsed JSON in `'json'` format, else text; binary as ArrayBuffer. */
  message: (data: unknown) => void;
  /** Something went wrong that no promise could report (a malformed frame, the worker). */
  error: (error: TabSocketError) => void;
  /**
   * Pushes were missed beyond what the server could replay (the gap is older than its log,
   * or the server restarted): fetch the state afresh. Only with a server that speaks the
   * tabsocket protocol; the pushes after it go on as usual. With any server, also once the
   * connection is open again after the worker holding it died (`worker-lost`).
   */
  resync: () => void;
  /**
   * The builds sharing this connection in the browser changed: the script URLs of the
   * workers (hubs) that serve its tabs, sorted. More than one means tabs of another deploy
   * are open, served through one socket: the app may suggest a reload to the older ones.
   */
  builds: (builds: string[]) => void;
}

/** This tab's handle on a shared connection, as `connect()` returns it. */
export interface TabSocket {
  /** The connection's name: handles with the same name share one socket. */
  readonly name: string;
  /** This tab's id, as the worker knows it. */
  readonly tabId: string;
  /** The shared connection's state, as last reported to this tab. */
  readonly state: ConnectionState;
  /**
   * Listens to an event; returns the function that stops listening. Each call counts: the
   * same function passed twice runs once per event and listens until both are undone.
   */
  on<E extends keyof TabSocketEvents>(event: E, listener: TabSocketEvents[E]): () => void;
  /**
   * Receives only the JSON frames whose `topicKey` field equals `topic`; returns the
   * unsubscribe function. Counted per call as `on`; O(1): the worker hears a task's
   * subscribes at once. A topic over the server's `maxTopicLength` throws `TooLargeError`
   * at once; one the worker refuses (past `maxTopics`, or over a limit the server's hello
   * lowered) is told by an `error` event with `TooLargeError`, and its listener gets nothing.
   */
  subscribe(topic: string, listener: (data: unknown) => void): () => void;
  /**
   * Sends text and binary as they are, any other value as JSON. With a server that speaks
   * the tabsocket protocol, text and JSON resolve on the server's ack (written again on the
   * next socket until then; the server passes each message on once). Binary data, and
   * anything to a plain server, resolves once written to the socket (now, or from the
   * outbox on the next open): written, not known to be received.
   *
   * A rejection means the app behind the server did not get the message, except for one
   * already written that rejects with `UnconfirmedSendError`, `ConnectionFailedError` or
   * `WorkerError`: the server may have it. A message over the server's `maxPayload` as
   * written rejects at once with `TooLargeError`, and is never sent. docs/design.md, "One
   * send contract", says the same.
   */
  send(data: SendData): Promise<void>;
  /** Logout: closes the shared socket for every tab; no reconnect until some tab connects again. */
  close(code?: number, closeReason?: string): Promise<void>;
  /** This tab leaves; the socket stays for the other tabs (and closes after `gracePeriod` without any). */
  release(): Promise<void>;
  /** The worker's view of the connection: state, socket generation, attached tabs, queued messages. */
  inspect(): Promise<ConnectionSnapshot | undefined>;
}

/** What a handle needs of the tab's client of the hub. */
export interface HandleHost {
  readonly tabId: string;
  send(name: string, data: SocketData): Promise<void>;
  close(name: string, code: number, closeReason: string): Promise<void>;
  release(handle: TabSocketHandle): Promise<void>;
  inspect(name: string): Promise<ConnectionSnapshot | undefined>;
  /** `handle` started (`listening`) or stopped listening under `key` (a topic, or `EVERY_FRAME`). */
  interestChanged(handle: TabSocketHandle, key: string, listening: boolean): void;
}

export class TabSocketHandle implements TabSocket {
  #state: ConnectionState = 'idle';
  #released = false;
  /**
   * Whether the worker died since the last open, and if so whether pushes sent meanwhile
   * are lost (`resync` on the next open) or resumed by the fresh worker.
   */
  #workerLoss: 'none' | 'resumable' | 'lost' = 'none';
  /** Whether the handle was ever open: before, it follows no stream, and can lose none of it. */
  #stream: 'not-yet' | 'followed' = 'not-yet';
  /**
   * `open`: the handle joined a socket already open, bringing no cursor, and heard no
   * state since. A `resync` of what was lost before that socket opened (`past`) is not its,
   * unless it listens to a topic: a publish to it before the new session heard the topics
   * (`sub`, written on the answer) is lost too. `opening`: its first state was `open`, and
   * the worker's answer to its open (`adopt`) will tell whether it brought a cursor.
   */
  #joined: 'stream' | 'opening' | 'open' = 'stream';
  readonly #events = {
    state: new Listeners<[ConnectionState, StateDetail]>(),
    error: new Listeners<[TabSocketError]>(),
    resync: new Listeners<[]>(),
    builds: new Listeners<[string[]]>(),
  };
  /** Listeners of frames by topic (`subscribe`), and under `EVERY_FRAME` those of every frame (`on('message')`). */
  readonly #frameListeners = new Map<string, Listeners<[unknown]>>();
  #maxTopicLength: number;

  /**
   * @param maxTopicLength the longest topic the server takes (the `limits` option); what
   * the worker learnt from the server replaces it once the worker answers.
   */
  constructor(
    readonly name: string,
    private readonly host: HandleHost,
    maxTopicLength = DEFAULT_LIMITS.maxTopicLength,
  ) {
    this.#maxTopicLength = maxTopicLength;
  }

  get tabId(): string {
    return this.host.tabId;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  on<E extends keyof TabSocketEvents>(event: E, listener: TabSocketEvents[E]): () => void {
    if (event !== 'message' && !Object.hasOwn(this.#events, event)) {
      throw new InvalidArgumentError(`tabsocket: there is no "${String(event)}" event`);
    }
    checkListener(listener);
    this.#assertAttached();
    if (event === 'message') {
      return this.#listenToFrames(EVERY_FRAME, listener as (data: unknown) => void);
    }
    const listeners = (this.#events as Record<string, Listeners<unknown[]>>)[event];
    return (listeners as Listeners<unknown[]>).add(listener as (...args: unknown[]) => void);
  }

  subscribe(topic: string, listener: (data: unknown) => void): () => void {
    if (typeof topic !== 'string' || topic === '') {
      throw new InvalidArgumentError('tabsocket: a topic must be a non-empty string');
    }
    checkListener(listener);
    // The worker refuses it too (with an `error` event), and also a topic past the server's
    // `maxTopics`, which only it can count: the tab knows the length at once.
    if (topic.length > this.#maxTopicLength) {
      throw new TooLargeError(
        `tabsocket: a topic of ${topic.length} characters is over the server's maxTopicLength (${this.#maxTopicLength})`,
      );
    }
    this.#assertAttached();
    return this.#listenToFrames(topic, listener);
  }

  async send(data: SendData): Promise<void> {
    this.#assertAttached();
    await this.host.send(this.name, toSocketData(data));
  }

  /** The worker checks `code` and `closeReason` (it must, whoever asks), and answers a refusal. */
  async close(code = 1000, closeReason = ''): Promise<void> {
    this.#assertAttached();
    await this.host.close(this.name, code, closeReason);
  }

  release(): Promise<void> {
    if (this.#released) return Promise.resolve();
    this.#released = true;
    return this.host.release(this);
  }

  async inspect(): Promise<ConnectionSnapshot | undefined> {
    this.#assertAttached();
    return this.host.inspect(this.name);
  }

  /** The keys this handle listens under: its share of what the tab asks the worker for. */
  get listeningKeys(): Iterable<string> {
    return this.#frameListeners.keys();
  }

  /** Applies an event from the worker for this handle's connection; ignores kinds it does not know. */
  receive(event: TabEvent): void {
    if (this.#released) return;
    if (event.kind === 'frames') {
      for (const { data, topic } of event.frames) {
        // A listener may release the handle, or log in again, in the middle of a batch.
        if (this.#released) return;
        this.#frameListeners.get(EVERY_FRAME)?.emit(data);
        if (topic && !this.#released) this.#frameListeners.get(topic)?.emit(data);
      }
    } else if (event.kind === 'state') {
      this.#setState(event.state, event.detail);
    } else if (event.kind === 'error') {
      this.fail(deserializeError(event.error));
    } else if (event.kind === 'resync') {
      // A resync of the past is not this handle's if it joined after the loss (`#joined`).
      if (!event.past || this.#joined !== 'open') this.#events.resync.emit();
    } else if (event.kind === 'builds') {
      this.#events.builds.emit(event.builds);
    }
  }

  /**
   * Takes the state the worker reported when this tab joined, if no event told it already.
   * `resumed`: the cursor the open brought (a reloaded page's), whose stream this handle goes on.
   */
  adopt(snapshot: ConnectionSnapshot, resumed?: SessionCursor): void {
    if (snapshot.limits) this.#maxTopicLength = snapshot.limits.maxTopicLength;
    if (snapshot.state !== this.#state) {
      this.#setState(snapshot.state, { from: this.#state, reason: 'attached' });
    }
    // A cursor brought (a reloaded page's, or a page back from the back/forward cache
    // rejoining): the stream goes on from it, so what was lost after it is this handle's.
    if (resumed) this.#joined = 'stream';
    else if (this.#joined === 'opening') this.#joined = this.#listensToTopic() ? 'stream' : 'open';
    // A tab that joins later than the last change of builds hears them too.
    if (snapshot.builds?.length) this.#events.builds.emit(snapshot.builds);
  }

  /** Ends this handle because the tab connected the same name for a new login. */
  retire(): void {
    // Released first: a state listener that runs now must find the handle ended.
    this.#released = true;
    if (this.#state !== 'closed')
      this.#setState('closed', { from: this.#state, reason: 'replaced' });
  }

  fail(error: TabSocketError): void {
    this.#events.error.emit(error);
  }

  /**
   * The worker holding the socket died. A live handle says so (`worker-lost`), as no worker
   * is left to: `connecting` while a fresh worker takes over, `failed` if none can. A
   * `resumable` session (the server numbered its pushes) is resumed by the fresh worker,
   * and the server says if it cannot; otherwise pushes sent meanwhile are lost, so once
   * open again the handle emits `resync`. A handle never open yet (`idle`: the dead worker
   * never answered its open; or `connecting` on a first socket that never opened) followed
   * no stream: it starts on the fresh worker's as a new handle does, and missed nothing.
   */
  loseWorker(next: 'connecting' | 'failed', resumable: boolean): void {
    if (this.#released || this.#state === 'closed' || this.#state === 'failed') return;
    // A fresh worker that did not answer either: the handle said so already.
    if (this.#state === next && this.#workerLoss !== 'none') return;
    this.#workerLoss =
      next === 'connecting' && !resumable && this.#stream === 'followed' ? 'lost' : 'resumable';
    this.#setState(next, { from: this.#state, reason: 'worker-lost' });
  }

  /** No worker answers the tab, and none will be asked again: a live handle fails. */
  workerSilent(error: TabSocketError): void {
    if (this.#released || this.#state === 'closed' || this.#state === 'failed') return;
    this.#setState('failed', { from: this.#state, reason: 'worker-silent' });
    this.fail(error);
  }

  #setState(state: ConnectionState, detail: StateDetail): void {
    this.#joined = this.#state === 'idle' && state === 'open' ? 'opening' : 'stream';
    this.#state = state;
    const lost = state === 'open' && this.#workerLoss === 'lost';
    if (state === 'open') {
      this.#workerLoss = 'none';
      this.#stream = 'followed';
    }
    this.#events.state.emit(state, detail);
    if (lost) this.#events.resync.emit();
  }

  #listensToTopic(): boolean {
    const listeners = this.#frameListeners;
    return listeners.size > +listeners.has(EVERY_FRAME);
  }

  /**
   * Adds a frame listener; the worker hears when the handle starts or stops listening
   * under a key, as it routes frames by them. Both ways cost O(1).
   */
  #listenToFrames(key: string, listener: (data: unknown) => void): () => void {
    let listeners = this.#frameListeners.get(key);
    if (!listeners) {
      listeners = new Listeners<[unknown]>();
      this.#frameListeners.set(key, listeners);
      this.host.interestChanged(this, key, true);
    }
    const remove = listeners.add(listener);
    // A topic taken since the join: a publish to it may have been lost with the session.
    if (key !== EVERY_FRAME && this.#joined !== 'stream') this.#joined = 'stream';
    return () => {
      remove();
      // A remover that ran already finds its set emptied and gone from the map; the set
      // there now, if any, holds later listeners of the key: it must not touch that one.
      if (listeners.size > 0 || this.#frameListeners.get(key) !== listeners) return;
      this.#frameListeners.delete(key);
      this.host.interestChanged(this, key, false);
    };
  }

  #assertAttached(): void {
    if (this.#released) throw new ReleasedError('tabsocket: this handle was released');
  }
}

function checkListener(listener: unknown): void {
  if (typeof listener !== 'function') {
    throw new InvalidArgumentError(
      `tabsocket: a listener must be a function (got ${listener === null ? 'null' : typeof listener})`,
    );
  }
}

function toSocketData(data: SendData): SocketData {
  let asItIs: boolean;
  try {
    asItIs = isSocketData(data);
  } catch (cause) {
    // A revoked Proxy throws at the first look.
    throw new InvalidArgumentError('tabsocket: send() data cannot be read', { cause });
  }
  if (asItIs) {
    const refusal = checkSocketData(data);
    if (refusal) throw refusal;
    return data as SocketData;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (cause) {
    throw new InvalidArgumentError('tabsocket: send() data cannot be encoded as JSON', { cause });
  }
  if (text === undefined) {
    throw new InvalidArgumentError(`tabsocket: send() cannot send a ${typeof data}`);
  }
  return text;
}
