import { randomBytes } from 'node:crypto';

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
 * Login tokens, in memory: a token names one user until logout or until the process ends.
 * Each login gets a new token, so a new login is a new socket url and the worker replaces
 * the old socket instead of joining it.
 */
export class Sessions {
  /** Insertion order is login order, so the first key is the one to forget. */
  readonly #userByToken = new Map<string, string>();

  login(user: string): string {
    const token = randomBytes(16).toString('hex');
    this.#userByToken.set(token, user);
    if (this.#userByToken.size > MAX_TOKENS) {
      const oldest = this.#userByToken.keys().next().value;
      if (oldest !== undefined) this.#userByToken.delete(oldest);
    }
    return token;
  }

  userOf(token: string | null): string | null {
    return token === null ? null : (this.#userByToken.get(token) ?? null);
  }

  /** Answers whether the token existed. */
  logout(token: string | null): boolean {
    return token !== null && this.#userByToken.delete(token);
  }
}
