import {
  type ConnectionState,
  connect,
  type StateDetail,
  type TabSocket,
  type TabSocketError,
} from 'tabsocket';
import type { DemoConfig, DemoTopic } from '../api';
import type { StoredLogin } from './login-store';

/** Where the socket's events go; the page's panels. */
export interface LiveSocketSink {
  state(state: ConnectionState, detail: StateDetail): void;
  push(topic: DemoTopic | 'notice', data: unknown): void;
  error(error: TabSocketError): void;
}

/** Short enough that a dropped heartbeat shows within seconds (the library default is 25 s + 10 s). */
export const HEARTBEAT = { interval: 5000, timeout: 3000 };
/** Every tab uses this name, so they all share one connection. */
const CONNECTION_NAME = 'demo';

/**
 * This tab's one handle on the shared connection, swapped as the login changes. A swap
 * takes every listener off the old handle and releases it before the new one connects, so
 * no push can reach this tab through two handles.
 */
export class LiveSocket {
  readonly #config: DemoConfig;
  readonly #sink: LiveSocketSink;
  #handle: TabSocket | undefined;
  #token: string | null = null;
  /** Listeners on the current handle, by topic; 'state' and 'error' included. */
  readonly #off = new Map<string, () => void>();
  readonly #topics = new Set<DemoTopic>();
  /** Swaps run one after the other: two quick storage events must not interleave. */
  #queue: Promise<void> = Promise.resolve();

  constructor(config: DemoConfig, sink: LiveSocketSink, topics: Iterable<DemoTopic>) {
    this.#config = config;
    this.#sink = sink;
    for (const topic of topics) this.#topics.add(topic);
  }

  get handle(): TabSocket | undefined {
    return this.#handle;
  }

  /** Connects with `login`'s token, or leaves the connection with null. */
  use(login: StoredLogin | null): Promise<void> {
    return this.#enqueue(() => this.#swap(login?.token ?? null));
  }

  /** Logout: closes the shared socket for every tab, then leaves it. */
  logout(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#handle?.close(1000, 'logout');
      await this.#swap(null);
    });
  }

  setTopic(topic: DemoTopic, on: boolean): void {
    if (on) this.#topics.add(topic);
    else this.#topics.delete(topic);
    if (this.#handle) this.#listenTo(topic, on);
  }

  send(text: string): Promise<void> {
    if (!this.#handle) return Promise.reject(new Error('Log in first'));
    return this.#handle.send({ type: 'chat', text });
  }

  /** Runs `task` after the earlier ones; a failed one is its caller's to report, not the queue's. */
  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.catch(() => {}).then(task);
    this.#queue = run;
    return run;
  }

  async #swap(token: string | null): Promise<void> {
    if (token === this.#token) return;
    const old = this.#handle;
    for (const off of this.#off.values()) off();
    this.#off.clear();
    this.#handle = undefined;
    this.#token = token;
    await old?.release();
    if (token === null) return;

    const { wsPort, wsPath } = this.#config;
    const url = `ws://${location.hostname}:${wsPort}${wsPath}?token=${encodeURIComponent(token)}`;
    const handle = connect({
      url,
      name: CONNECTION_NAME,
      heartbeat: HEARTBEAT,
      // A restart takes 2 s: cap the wait so the page recovers soon after.
      reconnect: { maxDelay: 8000 },
    });
    this.#handle = handle;
    this.#off.set(
      'state',
      handle.on('state', (state, detail) => this.#sink.state(state, detail)),
    );
    this.#off.set(
      'error',
      handle.on('error', (error) => this.#sink.error(error)),
    );
    // Refusals of our own frames come to this socket only, whatever the toggles say.
    this.#off.set(
      'notice',
      handle.subscribe('notice', (data) => this.#sink.push('notice', data)),
    );
    for (const topic of this.#topics) this.#listenTo(topic, true);
  }

  #listenTo(topic: DemoTopic, on: boolean): void {
    const handle = this.#handle;
    if (!handle) return;
    this.#off.get(topic)?.();
    this.#off.delete(topic);
    if (on) {
      this.#off.set(
        topic,
        handle.subscribe(topic, (data) => this.#sink.push(topic, data)),
      );
    }
  }
}
