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
 *   server                      worker
 *     |-- {$ts:'hello', v:1} ---->|   first frame after the upgrade: "I speak v1"
 *     |<--- {$ts:'sub', topics} --|   the union of the tabs' topics, sent whole on every change
 *     |-- {$ts:'error', ...} ---->|   a frame of the worker's that the server refused
 */

/** The protocol version this build speaks. */
export type WireVersion = 1;

/** Server → worker, first frame: the server speaks the tabsocket protocol. */
export interface HelloFrame {
  $ts: 'hello';
  v: WireVersion;
}

/** Server → worker: a frame from the client was refused; nothing else changes. */
export interface ErrorFrame {
  $ts: 'error';
  /** Stable machine-readable reason, e.g. `'malformed'`, `'unknown-kind'`. */
  code: string;
  message: string;
}

/** Worker → server: the complete set of topics any attached tab subscribes to. */
export interface SubscribeFrame {
  $ts: 'sub';
  topics: string[];
}

export type ServerControlFrame = HelloFrame | ErrorFrame;
export type ClientControlFrame = SubscribeFrame;
export type ControlFrame = ServerControlFrame | ClientControlFrame;
