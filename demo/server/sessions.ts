import { randomBytes } from 'node:crypto';
import type { Identity } from 'tabsocket/server';

/** Letters, digits and `_.-`: safe to show anywhere without escaping surprises. */
const USER_NAME = /^[\p{L}\p{N}_.-]{1,24}$/u;
/** A scripted login loop must not grow the map without bound; the oldest token goes first. */
const MAX_TOKENS = 10_000;

/** Answers the user name if `value` is one, else null. */
export function parseUserName(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const name = value.trim();
  return USER_NAME.test(name) ? name : null;
}

/**
 * Login tokens, in memory: a token names one user and one login until logout or until the
 * process ends. Each login gets a new token, so a new login is a new socket url and the
 * worker replaces the old socket instead of joining it; and a login id of its own (not the
 * token: it names sessions, in Redis too), so no worker session outlives its login.
 */
export class Sessions {
  /** Insertion order is login order, so the first key is the one to forget. */
  readonly #byToken = new Map<string, { user: string; login: string }>();

  login(user: string): string {
    const token = randomBytes(16).toString('hex');
    this.#byToken.set(token, { user, login: randomBytes(8).toString('hex') });
    if (this.#byToken.size > MAX_TOKENS) {
      const oldest = this.#byToken.keys().next().value;
      if (oldest !== undefined) this.#byToken.delete(oldest);
    }
    return token;
  }

  userOf(token: string | null): string | null {
    return (token !== null && this.#byToken.get(token)?.user) || null;
  }

  /** Who a token names, as the server's `authenticate` answers. */
  identityOf(token: string | null): Identity | null {
    return (token !== null && this.#byToken.get(token)) || null;
  }

  /** Answers whether the token existed. */
  logout(token: string | null): boolean {
    return token !== null && this.#byToken.delete(token);
  }
}
