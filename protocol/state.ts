import type { Transport } from './connection-options';

/**
 * The connection's life, one value at a time:
 *
 *   idle ──start──▶ connecting ──open──▶ open
 *                     ▲   │                │ close / error / heartbeat or connect timeout
 *                     │   └──────┬─────────┘
 *                     │          ▼
 *                     └─timer── backoff ──maxAttempts or stopOn code──▶ failed
 *
 *   any live state ──offline──▶ offline ──online──▶ connecting (attempts reset)
 *   any state ──close()──▶ closed      (logout or disposal: never reconnects by itself)
 *   closed / failed ──start (a tab connects again)──▶ connecting
 *   open ──refreshOn code, once (url function only)──▶ connecting (reason `refresh`)
 *   any live state ──worker-lost (reported by the tab)──▶ connecting (a fresh worker) or failed
 *   idle / connecting ──worker-silent (reported by the tab: no worker answers)──▶ failed
 *   any live state ──handover (another hub takes the socket)──▶ connecting
 */
export type ConnectionState =
  | 'idle'
  | 'connecting'
  | 'open'
  | 'backoff'
  | 'offline'
  | 'closed'
  | 'failed';

/** Why the state changed. */
export type TransitionReason =
  /** A tab connected (or connected again after close/failed). */
  | 'start'
  /** The handshake completed. */
  | 'open'
  /** The server or the network closed the socket. */
  | 'close'
  /** No frame arrived within the heartbeat's interval + timeout. */
  | 'heartbeat-timeout'
  /** The handshake did not complete within `connectTimeout`. */
  | 'connect-timeout'
  /**
   * The server refused to resume the session (it lost it, or refused its id): the next
   * socket starts a fresh one, and the tabs get `resync`.
   */
  | 'resume-refused'
  /**
   * No `url` function gave a url for this attempt (it threw, gave a bad url, took longer
   * than `connectTimeout`, or no tab has one): the tabs get a `UrlProviderError`.
   */
  | 'url-provider'
  /** The server closed with a `refreshOn` code: the next attempt asks for a fresh url at once. */
  | 'refresh'
  /** The backoff delay ran out: next attempt. */
  | 'retry'
  /** A tab reported that the browser went offline / online. */
  | 'offline'
  | 'online'
  /** `close()` was called. */
  | 'logout'
  /** A tab connected the same name to another url: this socket made way for the new one. */
  | 'replaced'
  /** The last tab left and the grace period ran out. */
  | 'released'
  /**
   * No transport the options allow exists here (`transports: ['sse']` without `EventSource`):
   * `failed` at once, with an `InvalidOptionError` to the tabs.
   */
  | 'no-transport'
  /** `maxAttempts` attempts in a row failed. */
  | 'max-attempts'
  /** The server closed with a code listed in `stopOn`. */
  | 'stop-code'
  /** The tab attached to a connection that already existed and learnt its state. */
  | 'attached'
  /**
   * The worker that held the socket died (killed, crashed, ended by the browser under
   * memory pressure). The tab reports it by itself, as no worker is left to: `connecting`
   * while it starts a fresh worker and opens the connection again there, or `failed` when
   * it cannot start one (an app-supplied SharedWorker instance rather than a function).
   */
  | 'worker-lost'
  /**
   * The worker started but never answered the tab (a script that hangs, or a worker that is
   * not tabsocket's): no answer to `attach` within 8 s of the first start, or from any
   * fresh worker of the ladder after a death; or its script did not load (an `error` on the
   * worker object, then no answer within 1 s). The tab reports it, `failed`, and every call
   * rejects with `WorkerError`.
   */
  | 'worker-silent'
  /**
   * The socket changed hands between hubs: the hub that held it (a worker that died, the
   * tab that ran it, an older build) let it go, and the next one resumes the session.
   */
  | 'handover'
  /**
   * A WebSocket opened beside the HTTP stream the connection was on: it moves to a WebSocket
   * now, resuming its session (see docs/transports.md).
   */
  | 'transport';

export interface StateDetail {
  /** The transport of the socket that opened (on `open`). */
  transport?: Transport;
  from: ConnectionState;
  reason: TransitionReason;
  /** The close code, when a close caused the change. */
  code?: number;
  /** The close reason sent with `code`, when there was one. */
  closeReason?: string;
  /** Failed attempts in a row so far (in `backoff` and `failed`). */
  attempt?: number;
  /** Milliseconds until the next attempt (in `backoff`). */
  delay?: number;
}
