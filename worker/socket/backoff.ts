import { MAX_TIMER_DELAY } from '../../protocol/clock';
import type { ReconnectOptions } from '../../protocol/connection-options';
import type { RetryHint } from '../../protocol/wire';

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
  const capped = backoffCap(attempt, options);
  const jittered = capped * (1 - options.jitter * random());
  return Math.min(Math.max(Math.round(jittered), 0), MAX_TIMER_DELAY);
}

/** The delay of retry number `attempt` before jitter: `minDelay` grown by `factor`, capped. */
function backoffCap(attempt: number, options: BackoffOptions): number {
  const growth = options.factor ** Math.max(attempt - 1, 0);
  // Infinity for huge attempts, which the cap absorbs; but 0 × Infinity would be NaN.
  const grown = options.minDelay === 0 ? 0 : options.minDelay * growth;
  return Math.min(grown, options.maxDelay);
}

/**
 * The wait before retry number `attempt` after the server closed with 1012 or 1013: a
 * moment drawn uniformly from the hint's window, `after` to `after + within` ms, and never
 * less than the usual backoff, so a server that hints too short still sees the attempts of
 * a worker it keeps refusing spread further apart. Without a hint (a server or proxy that
 * says nothing more), the window is `minDelay` to `minDelay` plus the backoff's cap: the
 * server said it is restarting or overloaded, so the first retry is never immediate.
 */
export function admissionDelay(
  attempt: number,
  options: BackoffOptions,
  hint: Pick<RetryHint, 'after' | 'within'> | undefined,
  random: () => number,
): number {
  const { after, within } = hint ?? {
    after: options.minDelay,
    within: backoffCap(attempt, options),
  };
  const hinted = after + within * random();
  const delay = Math.max(hinted, backoffDelay(attempt, options, random));
  return Math.min(Math.round(delay), MAX_TIMER_DELAY);
}
