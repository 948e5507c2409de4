import type { IncomingMessage } from 'node:http';
import type { Authenticate } from './options';

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
