import { MAX_TIMER_DELAY } from './clock';
import type { ReconnectOptions } from './options';

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
  const exponent = Math.max(attempt - 1, 0);
  const grown = options.minDelay * options.factor ** exponent;
  const capped = Math.min(Number.isFinite(grown) ? grown : options.maxDelay, options.maxDelay);
  const jittered = capped * (1 - options.jitter * random());
  return Math.min(Math.max(Math.round(jittered), 0), MAX_TIMER_DELAY);
}
