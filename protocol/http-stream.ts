/**
 * The HTTP stream: where WebSocket is blocked, the same text frames go server → worker as
 * Server-Sent Events on one GET, and worker → server in POST bodies, on the socket's url.
 *
 *   GET  url                       text/event-stream: `stream` (its id), then the frames
 *   POST url?stream=               ID, a line feed, a batch of frames (see `encodePost`); 204
 *   POST url?stream=&pong=N        ID and a line feed: the answer to `ping` event N; 204
 *
 * The id is the stream's credential, so it goes in the body, never in the url (which ends
 * up in the logs of proxies and servers); the empty `stream` parameter only marks the POST as
 * a stream's. (In a header it would cost a CORS preflight per POST to another origin.)
 *
 * Events: a frame without CR or LF is a plain `message` event, its data the frame as it is;
 * one with them, or empty, is a `json` event, its data the frame as a JSON string (SSE data
 * cannot hold a bare CR, and an event with empty data is never dispatched). `ping` is the server's liveness probe, `close` its close (code and reason).
 */

/** The stream's first event: its id, which every POST names. (Not `open`: EventSource's own.) */
export const STREAM_ID_EVENT = 'stream';
export const STREAM_JSON_EVENT = 'json';
export const STREAM_PING_EVENT = 'ping';
export const STREAM_CLOSE_EVENT = 'close';
/** The query parameter, empty, that marks a POST as a stream's. */
export const STREAM_POST_PARAM = 'stream';
export const STREAM_PONG_PARAM = 'pong';

/**
 * POSTs of frames a worker makes in any second; past it, its frames wait and go in one
 * batch. Below it, a POST goes as soon as the one before is answered.
 */
export const FRAME_POSTS_PER_SECOND = 50;
/**
 * POSTs a server takes from one stream in a second (one past it closes the stream with
 * 1008): a worker's POSTs of frames, and as many again for its pongs (one per liveness ping)
 * and for a second's window that is not the worker's.
 */
export const MAX_POSTS_PER_SECOND = 2 * FRAME_POSTS_PER_SECOND;

/** Most UTF-16 units of frames the worker puts in one POST; a larger frame goes alone. */
export const MAX_BATCH_LENGTH = 64 * 1024;

/** The data of a `close` event. */
export interface StreamClose {
  code: number;
  reason: string;
}

/**
 * A POST body: each frame as its length in UTF-16 units, a colon, and the frame, so a frame
 * is never escaped (a batch of JSON frames costs a few digits each, not a backslash per quote).
 */
export function encodeBatch(frames: readonly string[]): string {
  return frames.map((frame) => `${frame.length}:${frame}`).join('');
}

/** A POST body: the stream's id on its first line, then `batch` (an `encodeBatch`, or empty). */
export function encodePost(streamId: string, batch: string): string {
  return `${streamId}\n${batch}`;
}

/** The stream id and the batch of a POST body; undefined without the id's line. */
export function decodePost(body: string): { streamId: string; batch: string } | undefined {
  const newline = body.indexOf('\n');
  return newline < 0
    ? undefined
    : { streamId: body.slice(0, newline), batch: body.slice(newline + 1) };
}

/** The frames of a POST body; undefined if it is not one `encodeBatch` wrote. */
export function decodeBatch(body: string): string[] | undefined {
  const frames: string[] = [];
  let at = 0;
  while (at < body.length) {
    const colon = body.indexOf(':', at);
    const digits = body.slice(at, colon);
    if (colon < 0 || !/^(0|[1-9]\d{0,9})$/.test(digits)) return undefined;
    const end = colon + 1 + Number(digits);
    if (end > body.length) return undefined;
    frames.push(body.slice(colon + 1, end));
    at = end;
  }
  return frames;
}

/** One frame as an SSE event (see the module's comment). */
export function encodeStreamFrame(frame: string): string {
  return frame === '' || /[\r\n]/.test(frame)
    ? `event: ${STREAM_JSON_EVENT}\ndata: ${JSON.stringify(frame)}\n\n`
    : `data: ${frame}\n\n`;
}
