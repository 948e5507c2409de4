import type { IncomingMessage } from 'node:http';
import { type VerifyClientCallbackAsync, WebSocket } from 'ws';
import type { Authenticate } from '../options';

export type AuthenticationOutcome =
  | { kind: 'accepted'; userId: string }
  | { kind: 'refused' }
  /** `authenticate` threw or answered something that is not a user id: the app's fault. */
  | { kind: 'failed'; error: unknown };

/** Runs the app's `authenticate` so that neither a throw nor a bad answer escapes. */
export async function runAuthenticate(
  authenticate: Authenticate,
  request: IncomingMessage,
): Promise<AuthenticationOutcome> {
  try {
    const userId: unknown = await authenticate(request);
    if (userId === null) return { kind: 'refused' };
    if (typeof userId !== 'string' || userId === '') {
      const got = typeof userId === 'string' ? 'an empty string' : typeof userId;
      return {
        kind: 'failed',
        error: new TypeError(`authenticate must answer a non-empty string or null, got ${got}`),
      };
    }
    return { kind: 'accepted', userId };
  } catch (error) {
    return { kind: 'failed', error };
  }
}

/** In the 4401–4499 range the worker reads as "don't retry", like HTTP 401. */
const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_INTERNAL_ERROR = 1011;

/** What authentication needs of its server. */
export interface AuthenticationHooks {
  /** Whether the server still takes sockets. */
  isOpen(): boolean;
  /** `authenticate` threw or answered a non-string: the server's `authenticateError`. */
  reportError(error: unknown, request: IncomingMessage): void;
}

/**
 * Who the user of an upgrade is, asked of the app's `authenticate` once per socket, in one
 * of two places:
 *
 * - a server created here asks in `verifyClient`, before the handshake completes, so an
 *   unknown user gets a plain HTTP 401 and never a socket;
 * - an attached server has completed the handshake already, so its socket is paused while
 *   `authenticate` runs and refused with a close code (4401, or 1011 when it failed).
 */
export class UpgradeAuthentication {
  readonly #authenticate: Authenticate;
  readonly #hooks: AuthenticationHooks;
  /** Sockets of an attached server, paused while `authenticate` runs. */
  readonly #pending = new Set<WebSocket>();
  /** User ids found by `verifyClient`, picked up when the same request's socket connects. */
  readonly #verified = new WeakMap<IncomingMessage, string>();

  constructor(authenticate: Authenticate, hooks: AuthenticationHooks) {
    this.#authenticate = authenticate;
    this.#hooks = hooks;
  }

  /** For a server created here: refuses the upgrade itself (503 while closing, 401, 500). */
  readonly verifyClient: VerifyClientCallbackAsync = ({ req }, done) => {
    if (!this.#hooks.isOpen()) {
      done(false, 503, 'Server closing');
      return;
    }
    void runAuthenticate(this.#authenticate, req).then((outcome) => {
      if (outcome.kind === 'accepted') {
        this.#verified.set(req, outcome.userId);
        done(true);
      } else if (outcome.kind === 'refused') {
        done(false, 401, 'Unauthorized');
      } else {
        this.#hooks.reportError(outcome.error, req);
        done(false, 500, 'Internal Server Error');
      }
    });
  };

  /** The user `verifyClient` found for the socket of `request`; undefined if it did not run. */
  verifiedUser(request: IncomingMessage): string | undefined {
    return this.#verified.get(request);
  }

  /**
   * For a socket whose upgrade was not verified here (an attached server's): pauses it, so
   * no frame arrives before we know whose it is, and calls `accept` with its user id, or
   * closes it.
   */
  authenticateSocket(
    socket: WebSocket,
    request: IncomingMessage,
    accept: (userId: string) => void,
  ): void {
    this.#pending.add(socket);
    socket.pause();
    void runAuthenticate(this.#authenticate, request).then((outcome) => {
      this.#pending.delete(socket);
      if (!this.#hooks.isOpen() || socket.readyState !== WebSocket.OPEN) {
        socket.terminate();
        return;
      }
      if (outcome.kind === 'accepted') accept(outcome.userId);
      // Reading again, even to refuse: the close handshake needs the peer's answer.
      socket.resume();
      if (outcome.kind === 'refused') {
        socket.close(CLOSE_UNAUTHORIZED, 'Unauthorized');
      } else if (outcome.kind === 'failed') {
        this.#hooks.reportError(outcome.error, request);
        socket.close(CLOSE_INTERNAL_ERROR, 'Internal error');
      }
    });
  }

  /** Drops the sockets still waiting for `authenticate` (the server is closing). */
  terminatePending(): void {
    for (const socket of this.#pending) socket.terminate();
  }
}
