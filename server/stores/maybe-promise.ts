/** A value, or the promise of one: what a store that may be remote answers. */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Calls `call` for its effect alone: what it throws or rejects with goes to `reportError`. */
export function unawaited(
  call: () => MaybePromise<unknown>,
  reportError: (error: unknown) => void,
): void {
  try {
    const done = call();
    if (isPromise(done)) done.catch(reportError);
  } catch (error) {
    reportError(error);
  }
}
