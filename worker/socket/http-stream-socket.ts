import { type Clock, Timer } from '../../protocol/clock';
import {
  encodeBatch,
  encodePost,
  FRAME_POSTS_PER_SECOND,
  MAX_BATCH_LENGTH,
  STREAM_CLOSE_EVENT,
  STREAM_ID_EVENT,
  STREAM_JSON_EVENT,
  STREAM_PING_EVENT,
  STREAM_PONG_PARAM,
  STREAM_POST_PARAM,
  type StreamClose,
} from '../../protocol/http-stream';
import type { SocketData } from '../../protocol/tab-hub';
import type { SocketLike, StreamMaker } from '../platform';
import { socketEvent as event } from './socket-event';

/** The part of the browser's EventSource the stream uses, so tests can hand in a fake. */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  onerror: ((event: Event) => void) | null;
  close(): void;
}

/** What a POST answers that the stream needs: its status. */
export type PostAnswer = Promise<{ status: number }>;

/** The browser's parts the stream is made of. */
export interface StreamEnvironment {
  clock: Clock;
  /** `new EventSource(url, { withCredentials: true })`. */
  openEventSource(url: string): EventSourceLike;
  /** A POST of `body` as `text/plain` to `url`, with the user's credentials, until `abort`. */
  post(url: string, body: string, abort: AbortSignal): PostAnswer;
}

const WINDOW_MS = 1_000;

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;
const CLOSE_ABNORMAL = 1006;

/**
 * What a refused POST means, as the server closes the stream for it (the stream's own
 * `close` event may come before or after the POST's answer; both say the same).
 */
const CLOSE_FOR_STATUS: Readonly<Record<number, number>> = { 400: 1008, 413: 1009, 429: 1008 };

/**
 * A WebSocket's part (`SocketLike`) played by an HTTP stream (protocol/http-stream.ts):
 * frames come as Server-Sent Events on one GET, and go in POSTs, one at a time and at most
 * `FRAME_POSTS_PER_SECOND` in a second, each with every frame sent since the last (from the end
 * of the task that sent it, up to `MAX_BATCH_LENGTH`), so their order is the order they were sent. It opens on the stream's
 * id (the first event), and closes once, with the server's close code, or 1006 when the
 * stream fails: EventSource's own reconnect is never let run, as the connection's backoff
 * reconnects, and resumes the session. Text only: a binary frame needs a WebSocket.
 */
export class HttpStreamSocket implements SocketLike {
  binaryType: BinaryType = 'arraybuffer';
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  #readyState = CONNECTING;
  #streamId = '';
  /** Frames sent and not yet in a POST. */
  #outbox: string[] = [];
  #posting = false;
  /** Called once the outbox is posted and answered (`afterPosted`). */
  #posted: (() => void) | undefined;
  /** Ends the POSTs still out when the stream closes. */
  readonly #posts = new AbortController();
  /** When the last `FRAME_POSTS_PER_SECOND` POSTs of frames went, oldest first. */
  readonly #postedAt: number[] = [];
  /** Until the next POST may go, when the last second had its share. */
  readonly #gap: Timer;
  readonly #source: EventSourceLike;
  readonly #url: string;
  readonly #env: StreamEnvironment;

  /** `url`: the socket's `ws(s):` url; the stream is its `http(s):` twin. */
  constructor(url: string, env: StreamEnvironment) {
    this.#url = url.replace(/^ws/, 'http');
    this.#env = env;
    this.#gap = new Timer(env.clock);
    const source = env.openEventSource(this.#url);
    this.#source = source;
    source.addEventListener(STREAM_ID_EVENT, (event) => this.#opened(event.data));
    source.addEventListener('message', (event) => this.#received(event.data));
    source.addEventListener(STREAM_JSON_EVENT, (event) => {
      this.#received(JSON.parse(event.data) as string);
    });
    source.addEventListener(STREAM_PING_EVENT, (event) => this.#pong(event.data));
    source.addEventListener(STREAM_CLOSE_EVENT, (event) => {
      const { code, reason } = JSON.parse(event.data) as StreamClose;
      this.#closed(code, reason);
    });
    source.onerror = () => this.#closed(CLOSE_ABNORMAL, '');
  }

  get readyState(): number {
    return this.#readyState;
  }

  send(data: SocketData): void {
    if (typeof data !== 'string') {
      throw new TypeError('tabsocket: a binary frame needs a WebSocket, not the HTTP stream');
    }
    if (this.#readyState === CONNECTING) throw new Error('tabsocket: the stream is not open yet');
    if (this.#readyState !== OPEN) return;
    this.#outbox.push(data);
    // The frames written in one task go in one POST (a resume, its sub and the queued messages).
    if (this.#outbox.length === 1) queueMicrotask(() => this.#flush());
  }

  /**
   * Ends the stream and its POSTs at once: an abandoned stream must not hold two of the
   * browser's six connections to the host while the next one opens. Frames not yet posted
   * are dropped: none was acknowledged, so the session sends them again on the next socket
   * (a logout waits for the acks of what it wrote before it closes). The server sees the
   * stream end (1006): the code and reason stay here.
   */
  close(code = 1000, reason = ''): void {
    this.#closed(code, reason);
  }

  /** Never called when the stream closes first (its close event tells that). */
  afterPosted(then: () => void): void {
    this.#posted = then;
    this.#flush();
  }

  #opened(streamId: string): void {
    if (this.#readyState !== CONNECTING) return;
    this.#streamId = streamId;
    this.#readyState = OPEN;
    this.onopen?.(event('open', {}));
  }

  #received(data: string): void {
    if (this.#readyState === OPEN) {
      this.onmessage?.(event('message', { data }));
    }
  }

  /** The server's liveness ping: answered at once, beside the frames. */
  #pong(number: string): void {
    if (this.#readyState !== OPEN) return;
    this.#env
      .post(this.#postUrl({ [STREAM_PONG_PARAM]: number }), this.#body(''), this.#posts.signal)
      .then(
        (answer) => this.#answered(answer.status),
        () => this.#closed(CLOSE_ABNORMAL, ''),
      );
  }

  #flush(): void {
    if (this.#readyState === CLOSED || this.#posting || this.#gap.pending) return;
    if (this.#outbox.length === 0) {
      this.#posted?.();
      return;
    }
    const now = this.#env.clock.now();
    const oldest = this.#postedAt.length === FRAME_POSTS_PER_SECOND ? this.#postedAt[0] : undefined;
    if (oldest !== undefined && now - oldest < WINDOW_MS) {
      this.#gap.start(WINDOW_MS - (now - oldest), () => this.#flush());
      return;
    }
    this.#postedAt.push(now);
    if (this.#postedAt.length > FRAME_POSTS_PER_SECOND) this.#postedAt.shift();
    const batch = this.#takeBatch();
    this.#posting = true;
    this.#env.post(this.#postUrl({}), this.#body(encodeBatch(batch)), this.#posts.signal).then(
      (answer) => {
        this.#posting = false;
        if (this.#answered(answer.status)) this.#flush();
      },
      () => {
        this.#posting = false;
        this.#closed(CLOSE_ABNORMAL, '');
      },
    );
  }

  /** The frames of the next POST: the oldest first, up to the batch length (at least one). */
  #takeBatch(): string[] {
    let length = 0;
    let count = 0;
    for (const frame of this.#outbox) {
      // The frame and its length prefix: at most 10 digits and a colon.
      length += frame.length + 11;
      if (count > 0 && length > MAX_BATCH_LENGTH) break;
      count += 1;
    }
    return this.#outbox.splice(0, count);
  }

  /** Whether a POST went through; a refused one closes the stream as the server does. */
  #answered(status: number): boolean {
    if (status >= 200 && status < 300) return true;
    this.#closed(CLOSE_FOR_STATUS[status] ?? CLOSE_ABNORMAL, '');
    return false;
  }

  #postUrl(params: Record<string, string>): string {
    const url = new URL(this.#url);
    url.searchParams.set(STREAM_POST_PARAM, '');
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.href;
  }

  /** The id, the stream's credential, goes in the body: a url ends up in logs. */
  #body(batch: string): string {
    return encodePost(this.#streamId, batch);
  }

  #closed(code: number, reason: string): void {
    if (this.#readyState === CLOSED) return;
    this.#readyState = CLOSED;
    this.#outbox = [];
    this.#posted = undefined;
    this.#gap.clear();
    this.#posts.abort();
    this.#source.onerror = null;
    this.#source.close();
    this.onclose?.(event('close', { code, reason, wasClean: code !== CLOSE_ABNORMAL }));
  }
}

/**
 * The browser's streams: `EventSource` down, `fetch` up, both with the user's credentials,
 * as a WebSocket sends its cookies. Loaded only when the transport policy first takes the
 * stream (worker/serve.ts), which checks first that the browser has both.
 */
export function browserStreams(clock: Clock): StreamMaker {
  const env: StreamEnvironment = {
    clock,
    openEventSource: (url) => new EventSource(url, { withCredentials: true }),
    post: (url, body, abort) =>
      fetch(url, {
        method: 'POST',
        body,
        signal: abort,
        credentials: 'include',
        // A CORS-safelisted type: a POST to another origin needs no preflight.
        headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
      }),
  };
  return (url) => new HttpStreamSocket(url, env);
}
