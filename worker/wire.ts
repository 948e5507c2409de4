/**
 * The frames tabsocket adds on the wire between the worker and a server that speaks its
 * protocol (the reference server in `server/`). Types only: the worker and the server
 * both import this file, so the two ends cannot drift apart.
 *
 * Every control frame is a JSON object with a `$ts` kind, a key no application frame is
 * expected to use. A plain server never sends `hello`, so the worker never sends it any
 * control frame: against servers that know nothing of tabsocket the wire carries only
 * what the application and the heartbeat put on it.
 *
 *   server                                   worker
 *     |-- {$ts:'hello', v:1} ----------------->|  first frame after the upgrade
 *     |<-- {$ts:'resume', session, last} ------|  attach me to `session`; I hold pushes up to `last`
 *     |-- {$ts:'resumed', seq} --------------->|  or {$ts:'resync', seq}: what you missed is gone
 *     |-- {$ts:'push', seq, data} ------------>|  replayed pushes (seq > last) first, then live ones
 *     |<-- {$ts:'sub', topics} ----------------|  the union of the tabs' topics, sent whole
 *     |<-- {$ts:'msg', id, text} --------------|  an application message, numbered
 *     |-- {$ts:'ack', id} -------------------->|  received (a resent one is acked, not passed on)
 *     |-- {$ts:'error', code, message} ------->|  a frame of the worker's that the server refused
 *
 * A session outlives its sockets: the worker names it in every `resume`, resends the
 * messages not yet acked, and drops pushes whose `seq` it has delivered already, so every
 * push reaches the tabs once and every message reaches the server once.
 */

/** The protocol version this build speaks. */
export type WireVersion = 1;

/** An application payload: a JSON value as `data`, or text exactly as sent as `text`. */
export type Payload = { data: unknown; text?: never } | { text: string; data?: never };

/** Server → worker, first frame: the server speaks the tabsocket protocol. */
export interface HelloFrame {
  $ts: 'hello';
  v: WireVersion;
}

/** Server → worker: the socket is attached to the session; the stream's last push is `seq`. */
export interface ResumedFrame {
  $ts: 'resumed';
  seq: number;
}

/** Server → worker: pushes after the worker's `last` are no longer kept; the stream goes on after `seq`. */
export interface ResyncFrame {
  $ts: 'resync';
  seq: number;
}

/** Server → worker: push number `seq` of the session's stream. */
export type PushFrame = { $ts: 'push'; seq: number } & Payload;

/** Server → worker: message `id` arrived. */
export interface AckFrame {
  $ts: 'ack';
  id: number;
}

/** Server → worker: a frame from the client was refused; nothing else changes. */
export interface ErrorFrame {
  $ts: 'error';
  /** Stable machine-readable reason, e.g. `'malformed'`, `'unknown-kind'`. */
  code: string;
  message: string;
}

/** Worker → server, after `hello`: attach this socket to `session`, which holds pushes up to `last`. */
export interface ResumeFrame {
  $ts: 'resume';
  session: string;
  last: number;
}

/** Worker → server: the complete set of topics any attached tab subscribes to. */
export interface SubscribeFrame {
  $ts: 'sub';
  topics: string[];
}

/** Worker → server: application message `id` (1, 2, 3… per session). */
export type MessageFrame = { $ts: 'msg'; id: number } & Payload;

export type ServerControlFrame =
  | HelloFrame
  | ResumedFrame
  | ResyncFrame
  | PushFrame
  | AckFrame
  | ErrorFrame;
export type ClientControlFrame = ResumeFrame | SubscribeFrame | MessageFrame;
export type ControlFrame = ServerControlFrame | ClientControlFrame;
