import { MAX_TIMER_DELAY } from '../protocol/clock';
import type { ReconnectOptions } from '../protocol/connection-options';

type BackoffOptions = Required<
  Pick<ReconnectOptions, 'minDelay' | 'maxDelay' | 'factor' | 'jitter'>
>;

/**
 * The wait before retry number `attempt` (1 for the first retry): exponential growth from
 * `minDelay` by `factor`, capped at `maxDelay`, then jittered. With `jitter` 1 ("full
 * jitter") the delay is uniform in [0, cap]: tabs of many browsers that lost the same
 * server spread their retries instead of returning as one herd.
 * `random` returns a number in [0, 1), as Math.random does.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number,
): number {
  const growth = options.factor ** Math.max(attempt - 1, 0);
  // Infinity for huge attempts, which the cap absorbs; but 0 × Infinity would be NaN.
  const grown = options.minDelay === 0 ? 0 : options.minDelay * growth;
  const capped = Math.min(grown, options.maxDelay);
  const jittered = capped * (1 - options.jitter * random());
  return Math.min(Math.max(Math.round(jittered), 0), MAX_TIMER_DELAY);
}
