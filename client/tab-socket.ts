import {
  deserializeError,
  InvalidArgumentError,
  ReleasedError,
  type TabSocketError,
} from '../protocol/errors';
import type { ConnectionState, StateDetail } from '../protocol/state';
import type { ConnectionSnapshot, Interest, SocketData, TabEvent } from '../protocol/tab-hub';
import { Listeners } from './listeners';

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
   * tabsocket protocol; the pushes after it go on as usual.
   */
  resync: () => void;
}

/** This tab's handle on a shared connection, as `connect()` returns it. */
export interface TabSocket {
  /** The connection's name: handles with the same name share one socket. */
  readonly name: string;
  /** This tab's id, as the worker knows it. */
  readonly tabId: string;
  /** The shared connection's state, as last reported to this tab. */
  readonly state: ConnectionState;
  /** Listens to an event; returns the function that stops listening. */
  on<E extends keyof TabSocketEvents>(event: E, listener: TabSocketEvents[E]): () => void;
  /** Receives only the JSON frames whose `topicKey` field equals `topic`; returns the unsubscribe function. */
  subscribe(topic: string, listener: (data: unknown) => void): () => void;
  /** Resolves once the message is handed to the socket (now, or from the outbox on the next open). */
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
  interestChanged(name: string): void;
}

export class TabSocketHandle implements TabSocket {
  #state: ConnectionState = 'idle';
  #released = false;
  readonly #stateListeners = new Listeners<[ConnectionState, StateDetail]>();
  readonly #messageListeners = new Listeners<[unknown]>();
  readonly #errorListeners = new Listeners<[TabSocketError]>();
  readonly #resyncListeners = new Listeners<[]>();
  readonly #topicListeners = new Map<string, Listeners<[unknown]>>();

  constructor(
    readonly name: string,
    private readonly host: HandleHost,
  ) {}

  get tabId(): string {
    return this.host.tabId;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  on<E extends keyof TabSocketEvents>(event: E, listener: TabSocketEvents[E]): () => void {
    switch (event) {
      case 'state':
        return this.#stateListeners.add(listener as TabSocketEvents['state']);
      case 'error':
        return this.#errorListeners.add(listener as TabSocketEvents['error']);
      case 'resync':
        return this.#resyncListeners.add(listener as TabSocketEvents['resync']);
      case 'message':
        return this.#withInterest(
          this.#messageListeners.add(listener as TabSocketEvents['message']),
        );
      default:
        throw new InvalidArgumentError(`tabsocket: there is no "${String(event)}" event`);
    }
  }

  subscribe(topic: string, listener: (data: unknown) => void): () => void {
    if (typeof topic !== 'string' || topic === '') {
      throw new InvalidArgumentError('tabsocket: a topic must be a non-empty string');
    }
    let listeners = this.#topicListeners.get(topic);
    if (!listeners) {
      listeners = new Listeners();
      this.#topicListeners.set(topic, listeners);
    }
    const remove = listeners.add(listener);
    return this.#withInterest(() => {
      remove();
      if (listeners.size === 0) this.#topicListeners.delete(topic);
    });
  }

  send(data: SendData): Promise<void> {
    return this.#whileAttached(() => this.host.send(this.name, toSocketData(data)));
  }

  close(code = 1000, closeReason = ''): Promise<void> {
    return this.#whileAttached(() => {
      validateClose(code, closeReason);
      return this.host.close(this.name, code, closeReason);
    });
  }

  release(): Promise<void> {
    if (this.#released) return Promise.resolve();
    this.#released = true;
    return this.host.release(this);
  }

  inspect(): Promise<ConnectionSnapshot | undefined> {
    return this.host.inspect(this.name);
  }

  /** This handle's share of what the tab asks the worker for. */
  get interest(): Interest {
    return { all: this.#messageListeners.size > 0, topics: [...this.#topicListeners.keys()] };
  }

  /** Applies an event from the worker for this handle's connection. */
  receive(event: TabEvent): void {
    if (this.#released) return;
    switch (event.kind) {
      case 'state':
        this.#setState(event.state, event.detail);
        break;
      case 'frames':
        for (const { data, topic } of event.frames) {
          this.#messageListeners.emit(data);
          if (topic !== undefined) this.#topicListeners.get(topic)?.emit(data);
        }
        break;
      case 'error':
        this.#errorListeners.emit(deserializeError(event.error));
        break;
      case 'resync':
        this.#resyncListeners.emit();
        break;
    }
  }

  /** Takes the state the worker reported when this tab joined, if no event told it already. */
  adopt(snapshot: ConnectionSnapshot): void {
    if (snapshot.state !== this.#state) {
      this.#setState(snapshot.state, { from: this.#state, reason: 'attached' });
    }
  }

  /** Ends this handle because the tab connected the same name for a new login. */
  retire(): void {
    if (this.#state !== 'closed')
      this.#setState('closed', { from: this.#state, reason: 'replaced' });
    this.#released = true;
  }

  fail(error: TabSocketError): void {
    this.#errorListeners.emit(error);
  }

  #setState(state: ConnectionState, detail: StateDetail): void {
    this.#state = state;
    this.#stateListeners.emit(state, detail);
  }

  /** Wraps an unsubscribe so that the worker hears of the change both ways. */
  #withInterest(remove: () => void): () => void {
    this.host.interestChanged(this.name);
    return () => {
      remove();
      this.host.interestChanged(this.name);
    };
  }

  #whileAttached(action: () => Promise<void>): Promise<void> {
    if (this.#released) {
      return Promise.reject(new ReleasedError('tabsocket: this handle was released'));
    }
    try {
      return action();
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

function toSocketData(data: SendData): SocketData {
  if (
    typeof data === 'string' ||
    data instanceof ArrayBuffer ||
    ArrayBuffer.isView(data) ||
    (typeof Blob !== 'undefined' && data instanceof Blob)
  ) {
    return data;
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

const encoder = new TextEncoder();

/** The browser's own rules for WebSocket.close, checked here so the error names tabsocket. */
function validateClose(code: number, closeReason: string): void {
  if (!Number.isInteger(code) || (code !== 1000 && (code < 3000 || code > 4999))) {
    throw new InvalidArgumentError(
      `tabsocket: close code must be 1000 or in 3000-4999 (got ${String(code)})`,
    );
  }
  if (typeof closeReason !== 'string' || encoder.encode(closeReason).length > 123) {
    throw new InvalidArgumentError(
      'tabsocket: close reason must be a string of at most 123 UTF-8 bytes',
    );
  }
}
