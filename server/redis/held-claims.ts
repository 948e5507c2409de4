import type { Clock } from '../../protocol/clock';

/**
 * Claims of calls that failed kept at most, the oldest ids' dropped first: their messages may
 * never be passed on (the socket ends), and those that are release them at `passed`.
 */
const MAX_FAILED = 4_096;
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
 * left the id held by a live process, and the resend was passed on again). A claim that
 * took its id is kept until its message is passed on, however long its records take and
 * however many wait (review 18g: one kept by age was dropped as the message's own record
 * waited for a dead claim; review 18h: one kept by count, in a burst): every message whose
 * take succeeded reaches `passed`, or the server closes. `close` ends the waits and retries,
 * and forgets the claims (the store may serve a server started after: review 18h).
 */
export class HeldClaims {
  readonly #kept = new Map<string, string>();
  /**
   * Every failed call's claim, by id, in order: any of them may hold the id (review 19d: one
   * kept per id, a second failed call's put out the first's, which held it).
   */
  readonly #failed = new Map<string, string[]>();
  #failedCount = 0;
  readonly #refused = new Map<string, Refused>();
  readonly #waits = new Set<() => void>();
  #retry: unknown;
  /** Closes so far: a PASSED refused after a close, made before it, is not made again. */
  #closes = 0;

  constructor(
    private readonly clock: Clock,
    /** How long a resend waits for a claim before it takes the id over. */
    private readonly heldFor: number,
  ) {}

  /** `claim` took the id of `key`; `failed`: its call failed, and may have taken it. */
  keep(key: string, claim: string, failed = false): void {
    if (!failed) {
      this.#kept.delete(key);
      this.#kept.set(key, claim);
      return;
    }
    const claims = this.#failed.get(key) ?? [];
    this.#failed.delete(key);
    this.#failed.set(key, [...claims, claim]);
    this.#failedCount += 1;
    for (const [oldest, dropped] of this.#failed) {
      if (this.#failedCount <= MAX_FAILED) break;
      this.#failed.delete(oldest);
      this.#failedCount -= dropped.length;
    }
  }

  /**
   * A claim of a call for `key` that failed, no longer kept: the next call for the id here is
   * made under it, as the failed one may have taken the id (its message's socket ended: the
   * resend would otherwise wait on this process's own claim); the newest, and, should another
   * of them be met as the holder, that one then. `only`: that claim alone, met as the id's
   * holder by a call that began before the other failed (review 19c).
   */
  retake(key: string, only?: string): string | undefined {
    const claims = this.#failed.get(key) ?? [];
    const at = only === undefined ? claims.length - 1 : claims.indexOf(only);
    if (at < 0) return undefined;
    const [claim] = claims.splice(at, 1);
    this.#failedCount -= 1;
    if (claims.length === 0) this.#failed.delete(key);
    return claim;
  }

  /**
   * The claim kept for `key`, no longer kept, with every failed one: a call that succeeded
   * after them met none of theirs holding the id, or took it under that one.
   */
  take(key: string): string | undefined {
    const failed = this.#failed.get(key);
    const claim = this.#kept.get(key) ?? failed?.at(-1);
    this.#kept.delete(key);
    this.#failed.delete(key);
    this.#failedCount -= failed?.length ?? 0;
    return claim;
  }

  /** How many times the store closed: what `refused` is told a PASSED began under. */
  get closes(): number {
    return this.#closes;
  }

  /**
   * Redis refused the PASSED of `key`, made when the store had closed `closes` times: `letGo`
   * is made again until it answers, unless the store closed since (review 18i).
   */
  refused(key: string, letGo: () => Promise<unknown>, closes: number): void {
    if (closes !== this.#closes) return;
    this.#refused.set(key, { since: this.clock.now(), letGo });
    this.#retry ??= this.clock.setTimeout(() => this.#retryRefused(), RETRY_EVERY);
  }

  /** Resolves after `ms`; rejects as the store closes. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const end = () => {
        this.clock.clearTimeout(timer);
        reject(new Error('The Redis store is closed'));
      };
      const timer = this.clock.setTimeout(() => {
        this.#waits.delete(end);
        resolve();
      }, ms);
      this.#waits.add(end);
    });
  }

  close(): void {
    this.#closes += 1;
    this.#kept.clear();
    this.#failed.clear();
    this.#failedCount = 0;
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
