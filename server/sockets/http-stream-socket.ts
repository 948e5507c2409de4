import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import {
  encodeStreamFrame,
  STREAM_CLOSE_EVENT,
  STREAM_ID_EVENT,
  STREAM_PING_EVENT,
  type StreamClose,
} from '../../protocol/http-stream';
import type { ServerSocket } from './server-socket';

const OPEN = 1;
const CLOSED = 3;
/** A stream that ends without a `close` event: as a socket dropped without a close frame. */
const CLOSE_ABNORMAL = 1006;

/**
 * One HTTP stream as a socket (see protocol/http-stream.ts): frames go out as events on the
 * GET's response, and come in from the POSTs naming the stream (`receive`). Its `close`
 * event comes once, whatever ended it: a close here, a terminate, or the response closing
 * under it (the peer went away). It owns no timer: the liveness monitor pings it, and a
 * close here is complete at once, the close event written before the response ends.
 */
export class HttpStreamSocket extends EventEmitter implements ServerSocket {
  #readyState = OPEN;
  /** The number of the last `ping` event: only its answer is a pong. */
  #pinged = 0;
  readonly #response: ServerResponse;

  constructor(
    readonly streamId: string,
    response: ServerResponse,
  ) {
    super();
    this.#response = response;
    response.on('close', () => this.#closed(CLOSE_ABNORMAL, ''));
    this.#write(`event: ${STREAM_ID_EVENT}\ndata: ${streamId}\n\n`);
  }

  get readyState(): number {
    return this.#readyState;
  }

  get bufferedAmount(): number {
    return this.#response.writableLength;
  }

  send(text: string): void {
    if (this.#readyState === OPEN) this.#write(encodeStreamFrame(text));
  }

  /** The POSTed frames, in order, as a socket's messages. */
  receive(frames: readonly string[]): void {
    for (const frame of frames) {
      if (this.#readyState !== OPEN) return;
      this.emit('message', Buffer.from(frame), false);
    }
  }

  close(code = 1000, reason = ''): void {
    if (this.#readyState !== OPEN) return;
    const close: StreamClose = { code, reason };
    this.#write(`event: ${STREAM_CLOSE_EVENT}\ndata: ${JSON.stringify(close)}\n\n`);
    this.#response.end();
    this.#closed(code, reason);
  }

  terminate(): void {
    this.#response.destroy();
    this.#closed(CLOSE_ABNORMAL, '');
  }

  ping(): void {
    if (this.#readyState !== OPEN) return;
    this.#pinged += 1;
    this.#write(`event: ${STREAM_PING_EVENT}\ndata: ${this.#pinged}\n\n`);
  }

  /** A POST answered ping `number`: the peer reads the stream, if it is the last ping. */
  pong(number: number): void {
    if (number === this.#pinged && this.#readyState === OPEN) this.emit('pong');
  }

  #write(text: string): void {
    this.#response.write(text);
  }

  #closed(code: number, reason: string): void {
    if (this.#readyState === CLOSED) return;
    this.#readyState = CLOSED;
    this.emit('close', code, Buffer.from(reason));
  }
}
