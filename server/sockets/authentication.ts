import type { IncomingMessage } from 'node:http';
import { type VerifyClientCallbackAsync, WebSocket } from 'ws';
import type { Authenticate } from '../options';

/** Who a socket is, as `authenticate` said; `login` only where it named one. */
export interface SocketIdentity {
  userId: string;
  login?: string;
}

export type AuthenticationOutcome =
  | ({ kind: 'accepted' } & SocketIdentity)
  | { kind: 'refused' }
  /** `authenticate` threw or answered something that is not an `Identity`: the app's fault. */
  | { kind: 'failed'; error: unknown };

/** Runs the app's `authenticate` so that neither a throw nor a bad answer escapes. */
export async function runAuthenticate(
  authenticate: Authenticate,
  request: IncomingMessage,
): Promise<AuthenticationOutcome> {
  try {
    const identity: unknown = await authenticate(request);
    if (identity === null) return { kind: 'refused' };
    const problem = identityProblem(identity);
    if (problem !== undefined) {
      return {
        kind: 'failed',
        error: new TypeError(
          `authenticate must answer a non-empty string, { user, login } of non-empty strings, or null; got ${problem}`,
        ),
      };
    }
    if (typeof identity === 'string') return { kind: 'accepted', userId: identity };
    const { user, login } = identity as { user: string; login: string };
    return { kind: 'accepted', userId: user, login };
  } catch (error) {
    return { kind: 'failed', error };
  }
}

/** What is wrong with an answer of `authenticate` other than null; undefined when nothing. */
function identityProblem(identity: unknown): string | undefined {
  const named = (value: unknown) =>
    typeof value === 'string' ? (value === '' ? 'an empty string' : undefined) : typeof value;
  if (typeof identity !== 'object' || identity === null) return named(identity);
  const { user, login } = identity as Record<string, unknown>;
  const userProblem = named(user);
  if (userProblem !== undefined) return `user: ${userProblem}`;
  const loginProblem = named(login);
  return loginProblem === undefined ? undefined : `login: ${loginProblem}`;
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
  /** Who `verifyClient` found, picked up when the same request's socket connects. */
  readonly #verified = new WeakMap<IncomingMessage, SocketIdentity>();

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
        this.#verified.set(req, identityOf(outcome));
        done(true);
      } else if (outcome.kind === 'refused') {
        done(false, 401, 'Unauthorized');
      } else {
        this.#hooks.reportError(outcome.error, req);
        done(false, 500, 'Internal Server Error');
      }
    });
  };

  /** Who `verifyClient` found the socket of `request` to be; undefined if it did not run. */
  verifiedIdentity(request: IncomingMessage): SocketIdentity | undefined {
    return this.#verified.get(request);
  }

  /**
   * For a socket whose upgrade was not verified here (an attached server's): pauses it, so
   * no frame arrives before we know whose it is, and calls `accept` with who it is, or
   * closes it.
   */
  authenticateSocket(
    socket: WebSocket,
    request: IncomingMessage,
    accept: (identity: SocketIdentity) => void,
  ): void {
    this.#pending.add(socket);
    socket.pause();
    void runAuthenticate(this.#authenticate, request).then((outcome) => {
      this.#pending.delete(socket);
      if (!this.#hooks.isOpen() || socket.readyState !== WebSocket.OPEN) {
        socket.terminate();
        return;
      }
      if (outcome.kind === 'accepted') accept(identityOf(outcome));
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

/** The identity an accepted outcome names, without its `kind`. */
export function identityOf(outcome: { kind: 'accepted' } & SocketIdentity): SocketIdentity {
  const { kind: _, ...identity } = outcome;
  return identity;
}
