import type { Clock } from '../protocol/clock';
import type { RetryHint } from '../protocol/wire';

/** How many upgrades the server takes: `perSecond` on average, `burst` at once. */
export interface UpgradeRateOptions {
  /** Upgrades a second on average. */
  perSecond: number;
  /** Upgrades taken at once after a calm spell (the bucket's size). */
  burst: number;
}

/** Longest wait a refusal hints: a flood beyond this is no storm of returning workers. */
const MAX_HINT_AFTER_MS = 60_000;
/**
 * How widely the workers given one moment spread around it: their upgrades arrive in
 * bursts (a restart ended them together), and one second smooths a burst into the rate.
 */
const HINT_WITHIN_MS = 1_000;

/**
 * A token bucket over upgrades, on the server's clock, with no timer of its own: it refills
 * by the time passed whenever it is asked. A refused upgrade is told when to come back: the
 * next free moment of a schedule paced at `perSecond`, so the workers it refuses return at
 * the rate it takes instead of all at the first moment it could take one.
 */
export class UpgradeRateLimit {
  readonly #options: UpgradeRateOptions;
  readonly #clock: Clock;
  #tokens: number;
  #refilledAt: number;
  /** The next moment not yet given to a refused upgrade. */
  #nextMoment: number;

  constructor(options: UpgradeRateOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
    this.#tokens = options.burst;
    this.#refilledAt = clock.now();
    this.#nextMoment = clock.now();
  }

  /** Takes one upgrade: undefined when admitted, else when its worker should come back. */
  take(): RetryHint | undefined {
    const now = this.#clock.now();
    const { perSecond, burst } = this.#options;
    this.#tokens = Math.min(burst, this.#tokens + ((now - this.#refilledAt) * perSecond) / 1000);
    this.#refilledAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return undefined;
    }
    const moment = Math.min(Math.max(this.#nextMoment, now), now + MAX_HINT_AFTER_MS);
    this.#nextMoment = moment + 1000 / perSecond;
    return { $ts: 'retry', after: Math.ceil(moment - now), within: HINT_WITHIN_MS };
  }
}
