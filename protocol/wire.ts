/**
 * The frames tabsocket adds on the wire between the worker and a server that speaks its
 * protocol (the reference server in `server/`). Types only: the worker and the server
 * both import this file, so the two ends cannot drift apart.
 *
 * Every control frame is a JSON object with a `$ts` kind. A plain server never sends
 * `hello`, so the worker never sends it any control frame: against servers that know
 * nothing of tabsocket the wire carries only what the application and the heartbeat put
 * on it.
 *
 *   server                                     worker
 *     |-- {$ts:'hello', v:1, nonce, limits} ---->|  the socket's first frame, or never
 *     |<-- {$ts:'resume', nonce, session, last} -|  attach me to `session`; I hold pushes up to `last`
 *     |-- {$ts:'resumed', nonce, seq, lastId} -->|  or {$ts:'resync', nonce, seq, lastId}: what you missed is
 *     |                                          |  gone, or {$ts:'resync', nonce, seq, session}: the
 *     |                                          |  session is gone, its stream goes on under a new
 *     |                                          |  id, or {$ts:'error', nonce, …}: start afresh
 *     |-- {$ts:'push', seq, data} -------------->|  replayed pushes (seq > last) first, then live ones
 *     |<-- {$ts:'sub', topics} ------------------|  the union of the tabs' topics, sent whole
 *     |<-- {$ts:'msg', id, text} ----------------|  an application message, numbered
 *     |<-- {$ts:'msg', id, text, was, also} -----|  one written before under `was` (another session
 *     |                                          |  of this login) and `also` (sessions after it):
 *     |                                          |  passed on unless one of them did
 *     |-- {$ts:'ack', id} ---------------------->|  received (a resent one is acked, not passed on)
 *     |<-- {$ts:'end'} --------------------------|  a logout: forget the session, then close
 *     |-- {$ts:'error', code, message, refused} >|  a frame of the worker's that the server refused
 *
 * No application payload can pass for a control frame, in either direction, because each
 * phase of a socket admits only its own kinds:
 * - before `resume`, a server may still write application frames as they are (it does not
 *   know yet whether the peer is a worker or a plain client). The frames that change the
 *   phase therefore carry the `nonce` of this socket's `hello`, a random value that only
 *   the two ends have seen: a relayed chat line cannot know it. `hello` counts only as a
 *   socket's first frame.
 * - after `resume`, the server writes application data only inside `push` frames, and the
 *   worker only inside `msg` frames (binary frames are always application data), so a
 *   frame of the peer is a control frame or a heartbeat and never the application's.
 *
 * A session outlives its sockets: the worker names it in every `resume`, resends the
 * messages not yet acked, and drops pushes whose `seq` it has delivered already, so every
 * push reaches the tabs once and every message reaches the server once. So a session's
 * numbers never go backwards under one id: a server that lost the session (it restarted,
 * its store lost it, it expired) answers `resync` with a new id, whose stream the worker,
 * its tabs and its relaying hubs take from its first push, instead of numbering from 1
 * again under the old one (they would drop those pushes as delivered). Numbers (`seq`,
 * `last`, `id`) are safe non-negative integers (`Number.isSafeInteger`); a frame with any
 * other number is refused.
 */

/** The protocol version this build speaks. */
export type WireVersion = 1;

/** An application payload: a JSON value as `data`, or text exactly as sent as `text`. */
export type Payload = { data: unknown; text?: never } | { text: string; data?: never };

/**
 * What a server takes, told in `hello` so that the worker refuses at once, to the tab that
 * asked, what the server would refuse (a frame over `maxPayload` closes the socket with 1009).
 * Each field is optional: the worker keeps its own value (the `limits` option) for a missing one.
 */
export interface WireLimits {
  /** Largest frame the server reads, in bytes (UTF-8 for text, the `msg` frame around it included). */
  maxPayload?: number;
  /** Most topics in one `sub` frame. */
  maxTopics?: number;
  /** Longest topic, in UTF-16 code units (JavaScript's `length`). */
  maxTopicLength?: number;
}

/**
 * Server → worker, first frame: the server speaks the tabsocket protocol. `nonce` is random
 * per socket (at least 16 characters): `resume` and its answer must carry it. `limits` is
 * optional (a server of an older build does not send it).
 */
export interface HelloFrame {
  $ts: 'hello';
  v: WireVersion;
  nonce: string;
  limits?: WireLimits;
}

/**
 * Server → worker: the socket is attached to the session; the stream's last push is `seq`.
 * `lastId`, when the session passed messages on: the highest message id it passed on. The
 * worker numbers its next messages above it: another hub of the session (one that died, a
 * reloaded page's worker) may have used ids its cursor does not count, and the server drops
 * an id it had as a duplicate. A server of an earlier build leaves it out.
 */
export interface ResumedFrame {
  $ts: 'resumed';
  nonce: string;
  seq: number;
  lastId?: number;
}

/**
 * Server → worker: pushes after the worker's `last` are no longer kept; the stream goes on
 * after `seq`, which is never below `last`. With `session`, the server no longer has the
 * session the worker named (it restarted, or its store lost the session): the stream goes on
 * after `seq` under this new session id, whose message ids start again from 1. Without it,
 * `lastId` as in `ResumedFrame`.
 */
export interface ResyncFrame {
  $ts: 'resync';
  nonce: string;
  seq: number;
  session?: string;
  lastId?: number;
  /**
   * With `session` (and `seq` 0): the new session has every push made since this socket
   * opened, as none overflowed what the socket remembered while it resumed; only what came
   * before is lost. Without it the worker cannot tell, once it heard frames meanwhile.
   */
  whole?: true;
}

/** Server → worker: push number `seq` of the session's stream. */
export type PushFrame = { $ts: 'push'; seq: number } & Payload;

/** Server → worker: message `id` arrived. */
export interface AckFrame {
  $ts: 'ack';
  id: number;
}

/** Stable reasons the server gives in an error frame (see `errors.ts` for the tab's own codes). */
export type WireErrorCode =
  /** Not a frame of the protocol as `protocol/wire.ts` defines it. */
  | 'malformed'
  /** A `$ts` kind a client does not send. */
  | 'unknown-kind'
  /** A kind this phase of the socket does not take, e.g. a second `resume`. */
  | 'unexpected'
  /** A `resume` whose session id the server cannot take; start a fresh session. */
  | 'invalid-session'
  /** Too many sessions on the server; the socket closes with 1013, try again later. */
  | 'overloaded'
  /** A `sub` over the server's `maxTopics` or `maxTopicLength` (see `WireLimits`). */
  | 'too-large';

/**
 * Server → worker: a frame from the client was refused; nothing else changes. With `nonce`,
 * it answers `resume`: `invalid-session` means the session cannot be taken, so the worker
 * starts a fresh one; any other code fails only this attempt. `refused` names the kind of
 * the refused frame, and `id` the refused `msg`'s id when it had a readable one, so that the
 * worker tells the tab that asked (it never sends that frame again).
 */
export interface ErrorFrame {
  $ts: 'error';
  code: WireErrorCode;
  message: string;
  nonce?: string;
  refused?: 'sub' | 'msg';
  id?: number;
}

/**
 * Worker → server, the answer to `hello` and the worker's first frame on the socket:
 * attach this socket to `session`, which holds pushes up to `last`.
 */
export interface ResumeFrame {
  $ts: 'resume';
  nonce: string;
  session: string;
  last: number;
  /**
   * A resume of the session was written before (on an earlier socket of this worker, or by
   * the hub it was taken from; its answer may never have come): a server may have attached
   * it then and pushed into it, so one that does not know it lost it, pushes included, even
   * with `last` 0. Absent only while no resume of it was ever written (a session the worker
   * just made, or one a cursor names as `fresh`): a server takes that one as new.
   */
  held?: true;
}

/**
 * Server → worker, JSON-encoded as the reason of a close with 1012 (service restart: a
 * drain) or 1013 (try again later: a handshake rate limit): come back no sooner than
 * `after` ms from now, at a moment drawn uniformly from the `within` ms that follow, so
 * that the sockets a server let go of return spread out instead of as one herd. A close
 * reason holds at most 123 bytes of UTF-8; this frame takes some 40. Both numbers are safe
 * non-negative integers. A worker of an earlier build ignores the reason and retries after
 * its own backoff, and a plain client sees a close reason it does not read, so a server may
 * send it to every socket.
 */
export interface RetryHint {
  $ts: 'retry';
  after: number;
  within: number;
}

/** Worker → server: the complete set of topics any attached tab subscribes to. */
export interface SubscribeFrame {
  $ts: 'sub';
  topics: string[];
}

/**
 * Worker → server: application message `id` (1, 2, 3… per session). With `was`, the message
 * was written before under id `was.id` of `was.session`, another session of this login (its
 * hub died, or the worker took another session, before the ack came): the server passes it
 * on only if that session did not, and records it there, so whichever copy comes second is
 * the duplicate. `also`, with `was` only: the sessions it was written in after that one
 * (the worker switched again before an ack came), at most `MAX_ALSO`, checked and recorded
 * the same way, so that a server that lost one of them (a restart, `maxAge`) still finds
 * the copy in another. The server takes them in the order written (`was` first), the
 * copy's own session last, and the first that can record decides: so every copy names its
 * sessions in that order, and a frame sent again names no more of them than it did. A session the server no longer holds (or another login's) is not
 * checked: the message is passed on, and may then reach the app twice, as without `was`. A
 * server of an earlier build ignores the fields (one of the last build reads `was` alone).
 */
export type MessageFrame = {
  $ts: 'msg';
  id: number;
  was?: MessageOrigin;
  also?: MessageOrigin[];
} & Payload;

/** Where a message was written before: message `id` of session `session`. */
export interface MessageOrigin {
  session: string;
  id: number;
}

/**
 * Worker → server, its last frame on a socket whose `resume` it wrote: the login ended (a
 * logout). The server acknowledges the messages before it as usual, forgets the session
 * (in its store too: a later `resume` of it is answered `resync` with a new id, as for a
 * session it lost), drops any other socket still attached to it (its worker resumes and
 * resyncs likewise), and closes this one. So no push made into the session after the
 * logout reaches a worker, whichever cursor of it a page or a dying worker left behind.
 * A frame, not a close code: the HTTP stream carries no close code, and a plain server
 * never sees it (it never said hello). A server of an earlier build refuses it
 * (`unknown-kind`) and keeps the session until `maxAge`.
 */
export interface EndFrame {
  $ts: 'end';
}

export type ServerControlFrame =
  | HelloFrame
  | ResumedFrame
  | ResyncFrame
  | PushFrame
  | AckFrame
  | ErrorFrame;
export type ClientControlFrame = ResumeFrame | SubscribeFrame | MessageFrame | EndFrame;
export type ControlFrame = ServerControlFrame | ClientControlFrame;
