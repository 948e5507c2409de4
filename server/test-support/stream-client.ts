import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import {
  encodeBatch,
  encodePost,
  STREAM_PONG_PARAM,
  STREAM_POST_PARAM,
} from '../../protocol/http-stream';
import { type Closed, waitUntil, within } from './harness';

/** One server-sent event as parsed here. */
export interface StreamEvent {
  event: string;
  data: string;
}

/**
 * A worker's HTTP stream, by hand: a GET of `text/event-stream` whose events it keeps, and
 * POSTs naming the stream. It parses only what the server writes (one `data` line each).
 */
export class StreamClient {
  readonly events: StreamEvent[] = [];
  readonly response: IncomingMessage;
  /** Settles when the response ends, with the `close` event's code (1006 without one). */
  readonly ended: Promise<Closed>;
  readonly #request: ClientRequest;
  readonly #url: URL;

  private constructor(url: URL, req: ClientRequest, response: IncomingMessage) {
    this.#url = url;
    this.#request = req;
    this.response = response;
    let buffer = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffer += chunk;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        this.events.push(parseEvent(buffer.slice(0, end)));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
      }
    });
    this.ended = new Promise((resolve) => {
      const done = () => {
        const close = this.events.find((event) => event.event === 'close');
        resolve(close ? (JSON.parse(close.data) as Closed) : { code: 1006, reason: '' });
      };
      response.on('end', done);
      response.on('close', done);
      response.on('error', () => {});
    });
  }

  /** Opens a stream at `url` (http:); answers the response whatever its status. */
  static open(url: string, headers: Record<string, string> = {}): Promise<StreamClient> {
    const target = new URL(url);
    return within(
      new Promise<StreamClient>((resolve, reject) => {
        const req = request(target, {
          headers: { Accept: 'text/event-stream', ...headers },
        });
        req.on('response', (response) => resolve(new StreamClient(target, req, response)));
        req.on('error', reject);
        req.end();
      }),
      'the stream to answer',
    );
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  /** The stream's id, from its first event. */
  get id(): string {
    return this.events.find((event) => event.event === 'stream')?.data ?? '';
  }

  /** The frames received so far: the data of `message` events, and of `json` ones parsed. */
  frames(): string[] {
    return this.events.flatMap((event) => {
      if (event.event === 'message') return [event.data];
      if (event.event === 'json') return [JSON.parse(event.data) as string];
      return [];
    });
  }

  async waitForFrame(matches: (text: string) => boolean, label: string): Promise<string> {
    await waitUntil(() => this.frames().some(matches), label);
    return this.frames().find(matches) as string;
  }

  /** POSTs `frames` as one batch (or `body` as the batch, as it is); answers the status. */
  post(frames: readonly (string | object)[], body?: string): Promise<number> {
    const text =
      body ??
      encodeBatch(
        frames.map((frame) => (typeof frame === 'string' ? frame : JSON.stringify(frame))),
      );
    return this.#post({ [STREAM_POST_PARAM]: '' }, encodePost(this.id, text));
  }

  /** Answers ping `number` as a worker does. */
  pong(number: string): Promise<number> {
    return this.#post(
      { [STREAM_POST_PARAM]: '', [STREAM_PONG_PARAM]: number },
      encodePost(this.id, ''),
    );
  }

  /** Drops the connection, as a browser that went away. */
  abort(): void {
    this.#request.destroy();
  }

  #post(params: Record<string, string>, body: string): Promise<number> {
    const url = new URL(this.#url);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return within(
      new Promise<number>((resolve, reject) => {
        const req = request(url, { method: 'POST', headers: { 'Content-Type': 'text/plain' } });
        req.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(body);
      }),
      'the POST to answer',
    );
  }
}

function parseEvent(block: string): StreamEvent {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice('event: '.length);
    else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
  }
  return { event, data: data.join('\n') };
}
