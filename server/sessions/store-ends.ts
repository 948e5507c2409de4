import { isPromise } from '../stores/maybe-promise';
import type { ReplayStore, SessionHolder } from '../stores/replay-store';

/** An end on its way to the store, or one the store failed (made again at the next sweep). */
type EndState = { state: 'sent' | 'failed'; holder: SessionHolder | undefined };

/**
 * The sessions logouts ended here that the store has not forgotten yet. Until it has, a
 * resume of one on this server starts a new session (as a `fresh` read would make it), and
 * each sweep ends the failed ones again: the worker, logged out, never says `end` again.
 * At most `limit` are kept (a store failing for long): past it, the oldest is given up, and
 * waits out its expiry in the store.
 */
export class StoreEnds {
  readonly #ends = new Map<string, EndState>();

  constructor(
    private readonly store: ReplayStore,
    private readonly onStoreError: (error: unknown) => void,
    private readonly limit: number,
  ) {}

  /** Whether the session was ended here and the store may still have it. */
  has(key: string): boolean {
    return this.#ends.has(key);
  }

  /**
   * Ends the session in the store (`end`, or `drop` for a store without it); `holder` names
   * a login's session by user and id (see `ReplayStore.end`).
   */
  end(key: string, holder?: SessionHolder): void {
    this.#ends.set(key, { state: 'sent', holder });
    const oldest = this.#ends.keys().next().value;
    if (this.#ends.size > this.limit && oldest !== undefined) this.#ends.delete(oldest);
    const failed = (error: unknown) => {
      this.onStoreError(error);
      if (this.#ends.get(key)?.state === 'sent') this.#ends.set(key, { state: 'failed', holder });
    };
    const forgotten = () => {
      this.#ends.delete(key);
    };
    const { store } = this;
    try {
      const done = store.end ? store.end(key, holder) : store.drop(key);
      if (isPromise(done)) done.then(forgotten, failed);
      else forgotten();
    } catch (error) {
      failed(error);
    }
  }

  /** Ends again those the store failed. */
  retry(): void {
    for (const [key, { state, holder }] of this.#ends) {
      if (state === 'failed') this.end(key, holder);
    }
  }
}
