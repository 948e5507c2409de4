import { randomBytes } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Clock } from '../../protocol/clock';
import {
  decodeBatch,
  decodePost,
  MAX_BATCH_LENGTH,
  MAX_POSTS_PER_SECOND,
  STREAM_PONG_PARAM,
  STREAM_POST_PARAM,
} from '../../protocol/http-stream';
import { type AuthenticationOutcome, identityOf, type SocketIdentity } from './authentication';
import { CLOSE_POLICY_VIOLATION } from './connected-client';
import { HttpStreamSocket } from './http-stream-socket';

/** The close code of a frame over `maxPayload`, as `ws` closes a socket for one. */
const CLOSE_TOO_LARGE = 1009;
const WINDOW_MS = 1_000;
/** Room for a POST's first line: a stream id (22 characters) and its line feed. */
const ID_LINE_BYTES = 64;

/** What the streams need of their server. */
export interface HttpStreamHooks {
  /**
   * Whether a GET is worth authenticating: false once the server is closed without a drain.
   * (A drain still answers, through `accept`: a stream that comes meanwhile is told to come
   * back later, as an upgrade is; and the streams not yet closed keep their POSTs.)
   */
  takesStreams(): boolean;
  /** The app's `authenticate`, run safely; undefined: every stream is anonymous. */
  authenticate(request: IncomingMessage): Promise<AuthenticationOutcome> | undefined;
  /** `authenticate` failed: the server's `authenticateError`. */
  reportError(error: unknown, request: IncomingMessage): void;
  /**
   * A stream is open for `identity` (undefined when anonymous): the server greets it, or
   * closes it as it would an upgrade it does not take now (`upgradeRate`, a drain).
   */
  accept(socket: HttpStreamSocket, identity: SocketIdentity | undefined): void;
}

/** A POST's body as read. */
type Body =
  | { kind: 'complete'; text: string }
  /** `head`: its first `ID_LINE_BYTES`, which name the stream. */
  | { kind: 'too large'; head: string }
  | { kind: 'aborted' };

interface OpenStream {
  socket: HttpStreamSocket;
  /** POSTs counted in the window that began at `windowStart`. */
  windowStart: number;
  posts: number;
}

/**
 * The HTTP side of the server's path (protocol/http-stream.ts): a GET asking for
 * `text/event-stream` opens a stream, once `authenticate` accepts its request as it would an
 * upgrade; a POST naming a stream carries its frames. A stream's id is 128 random bits,
 * known only to the one who opened it: it is what a POST is authorized by, as frames on an
 * upgraded socket are by the upgrade. Each POST is held to the socket's limits: no frame
 * over `maxPayload` (1009), no body over what a batch of them may take (413), at most
 * `MAX_POSTS_PER_SECOND` (1008; protocol/http-stream.ts).
 */
export class HttpStreams {
  readonly #streams = new Map<string, OpenStream>();
  readonly #path: string | undefined;
  readonly #maxPayload: number;
  readonly #maxBody: number;
  readonly #clock: Clock;
  readonly #hooks: HttpStreamHooks;

  constructor(
    options: { path: string | undefined; maxPayload: number; clock: Clock },
    hooks: HttpStreamHooks,
  ) {
    this.#path = options.path;
    this.#maxPayload = options.maxPayload;
    // The id's line, then a lone frame of maxPayload with its length, or a batch of up to
    // MAX_BATCH_LENGTH UTF-16 units, each of which takes at most 3 bytes in UTF-8.
    this.#maxBody = ID_LINE_BYTES + Math.max(options.maxPayload + 16, 3 * MAX_BATCH_LENGTH);
    this.#clock = options.clock;
    this.#hooks = hooks;
  }

  /** Streams open now. */
  get size(): number {
    return this.#streams.size;
  }

  /** Answers the request if it is for this server's path; false leaves it to the caller. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const url = parseTarget(request.url);
    if (!url) {
      // A request-target that is no url (llhttp takes `GET http://[bad`): no path is its.
      response.writeHead(400).end();
      return true;
    }
    const opens = request.method === 'GET' && accepts(request, 'text/event-stream');
    const isPost = request.method === 'POST' && url.searchParams.has(STREAM_POST_PARAM);
    // Without a path (a `wss` that takes every path), only a stream's requests are ours.
    if (this.#path === undefined ? !opens && !isPost : url.pathname !== this.#path) return false;
    const headers = corsHeaders(request);
    if (isPost) {
      void this.#post(request, response, url.searchParams, headers);
    } else if (!opens) {
      response.writeHead(426, { ...headers, 'Content-Type': 'text/plain' }).end('Upgrade Required');
    } else if (this.#hooks.takesStreams()) {
      void this.#open(request, response, headers);
    } else {
      response.writeHead(503, headers).end();
    }
    return true;
  }

  async #open(
    request: IncomingMessage,
    response: ServerResponse,
    headers: OutgoingHttpHeaders,
  ): Promise<void> {
    const outcome = await this.#hooks.authenticate(request);
    if (response.destroyed) return;
    if (outcome?.kind === 'refused') {
      response.writeHead(401, headers).end();
      return;
    }
    if (outcome?.kind === 'failed') {
      this.#hooks.reportError(outcome.error, request);
      response.writeHead(500, headers).end();
      return;
    }
    request.socket.setNoDelay(true);
    response.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      // nginx buffers a proxied response unless told not to: events would wait in it.
      'X-Accel-Buffering': 'no',
    });
    const streamId = randomBytes(16).toString('base64url');
    const socket = new HttpStreamSocket(streamId, response);
    this.#streams.set(streamId, { socket, windowStart: this.#clock.now(), posts: 0 });
    socket.once('close', () => this.#streams.delete(streamId));
    this.#hooks.accept(socket, outcome && identityOf(outcome));
  }

  async #post(
    request: IncomingMessage,
    response: ServerResponse,
    params: URLSearchParams,
    headers: OutgoingHttpHeaders,
  ): Promise<void> {
    // The stream's id is in the body (out of the url, which ends up in logs): read it first.
    const body = await this.#readBody(request);
    // Cut short (a network cut, a fetch aborted): there is nobody to answer, and nothing
    // was too large; the worker learns of its failed POST by itself.
    if (body.kind === 'aborted') return;
    const post = decodePost(body.kind === 'complete' ? body.text : body.head);
    const stream = post && this.#streams.get(post.streamId);
    if (!post || !stream) {
      response.writeHead(404, headers).end();
      return;
    }
    if (body.kind === 'too large') {
      stream.socket.close(CLOSE_TOO_LARGE, 'Body too large');
      response.writeHead(413, headers).end();
      return;
    }
    const now = this.#clock.now();
    if (now - stream.windowStart >= WINDOW_MS) {
      stream.windowStart = now;
      stream.posts = 0;
    }
    stream.posts += 1;
    if (stream.posts > MAX_POSTS_PER_SECOND) {
      stream.socket.close(CLOSE_POLICY_VIOLATION, 'Too many requests');
      response.writeHead(429, headers).end();
      return;
    }
    const pong = params.get(STREAM_PONG_PARAM);
    if (pong !== null) {
      stream.socket.pong(Number(pong));
      response.writeHead(204, headers).end();
      return;
    }
    const frames = decodeBatch(post.batch);
    if (frames === undefined) {
      stream.socket.close(CLOSE_POLICY_VIOLATION, 'Malformed body');
      response.writeHead(400, headers).end();
    } else if (frames.some((frame) => Buffer.byteLength(frame) > this.#maxPayload)) {
      stream.socket.close(CLOSE_TOO_LARGE, 'Max payload size exceeded');
      response.writeHead(413, headers).end();
    } else {
      stream.socket.receive(frames);
      response.writeHead(204, headers).end();
    }
  }

  /**
   * The body as text; past `#maxBody` bytes, too large (the rest is read and dropped, so
   * the connection can carry the answer).
   */
  #readBody(request: IncomingMessage): Promise<Body> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      request.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > this.#maxBody) {
          request.removeAllListeners('data');
          request.resume();
          const head = Buffer.concat([...chunks, chunk]).subarray(0, ID_LINE_BYTES);
          resolve({ kind: 'too large', head: head.toString('utf8') });
          return;
        }
        chunks.push(chunk);
      });
      request.on('end', () =>
        resolve({ kind: 'complete', text: Buffer.concat(chunks).toString('utf8') }),
      );
      request.on('error', () => resolve({ kind: 'aborted' }));
      request.on('close', () => {
        if (!request.complete) resolve({ kind: 'aborted' });
      });
    });
  }
}

function accepts(request: IncomingMessage, type: string): boolean {
  return (request.headers.accept ?? '').includes(type);
}

/**
 * A page of another origin may open a stream, as it may open a WebSocket, with the user's
 * cookies: `authenticate` decides in both cases, and sees the `Origin` header in both.
 */
function corsHeaders(request: IncomingMessage): OutgoingHttpHeaders {
  const { origin } = request.headers;
  return origin === undefined
    ? {}
    : {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        Vary: 'Origin',
      };
}

/** The request's target as a url; undefined when it is none. */
function parseTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://host');
  } catch {
    return undefined;
  }
}
