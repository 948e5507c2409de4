import type { Clock } from '../../protocol/clock';

/** Claims kept at most: each is let go of at `passed`; past this many, the oldest go first. */
const MAX_KEPT = 4_096;
/** How often a PASSED that Redis refused is made again. */
const RETRY_EVERY = 1_000;

interface Refused {
  since: number;
  /** Makes the PASSED again. */
  letGo: () => Promise<unknown>;
}

/**
 * The claims of message ids that a store's SEEN took for its process (scripts.ts), by
 * `<session> <id>`, until its `passed` lets them go, and the store's timers: its waits for an
 * id another claim holds, and the PASSEDs Redis refused, made again every second while a
 * resend elsewhere may still wait for them (review 18g: one refused three times in a row
 * left the id held by a live process, and the resend was passed on again). A claim is kept
 * until its message is passed on, however long its records took (review 18g: one kept by
 * age was dropped as the message's own record waited for a dead claim). `close` ends them.
 */
export class HeldClaims {
  readonly #kept = new Map<string, string>();
  readonly #refused = new Map<string, Refused>();
  readonly #waits = new Set<() => void>();
  #retry: unknown;
  #closed = false;

  constructor(
    private readonly clock: Clock,
    /** How long a resend waits for a claim before it takes the id over. */
    private readonly heldFor: number,
  ) {}

  keep(key: string, claim: string): void {
    this.#kept.delete(key);
    this.#kept.set(key, claim);
    for (const oldest of this.#kept.keys()) {
      if (this.#kept.size <= MAX_KEPT) break;
      this.#kept.delete(oldest);
    }
  }

  /** The claim kept for `key`, no longer kept. */
  take(key: string): string | undefined {
    const claim = this.#kept.get(key);
    this.#kept.delete(key);
    return claim;
  }

  /** Redis refused the PASSED of `key`: `letGo` is made again until it answers. */
  refused(key: string, letGo: () => Promise<unknown>): void {
    if (this.#closed) return;
    this.#refused.set(key, { since: this.clock.now(), letGo });
    this.#retry ??= this.clock.setTimeout(() => this.#retryRefused(), RETRY_EVERY);
  }

  /** Resolves after `ms`; rejects at once, or as the store closes. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const closed = () => reject(new Error('The Redis store is closed'));
      if (this.#closed) return closed();
      const end = () => {
        this.clock.clearTimeout(timer);
        closed();
      };
      const timer = this.clock.setTimeout(() => {
        this.#waits.delete(end);
        resolve();
      }, ms);
      this.#waits.add(end);
    });
  }

  close(): void {
    this.#closed = true;
    this.clock.clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#refused.clear();
    for (const end of this.#waits) end();
    this.#waits.clear();
  }

  #retryRefused(): void {
    this.#retry = undefined;
    const now = this.clock.now();
    for (const [key, refused] of this.#refused) {
      // A resend that met the claim took the id over by now: nothing is left to let go.
      if (now - refused.since >= 2 * this.heldFor) {
        this.#refused.delete(key);
        continue;
      }
      refused.letGo().then(
        () => {
          if (this.#refused.get(key) === refused) this.#refused.delete(key);
        },
        () => {},
      );
    }
    if (this.#refused.size > 0) {
      this.#retry = this.clock.setTimeout(() => this.#retryRefused(), RETRY_EVERY);
    }
  }
}
