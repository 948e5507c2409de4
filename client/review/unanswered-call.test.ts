/**
 * Review of issue 20 ("every call to the worker has a bound"; invariant: no promise waits
 * forever). The bound covers `attach` only: a worker that attached the tab and then stops
 * answering (stuck, its lock still held, so no death is seen) leaves `inspect()`,
 * `close()` and `send()` pending for ever, and the handle `open`.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { makeWorld, type World } from './review-harness';

let world: World;
beforeEach(() => {
  world = makeWorld();
});
afterEach(() => {
  vi.useRealTimers();
  world.end();
});

it('a call the worker never answers settles within a bound', async () => {
  let stuck = false;
  const never = () => new Promise<never>(() => {});
  world.wrapApi = (api) => ({
    ...api,
    inspect: (name) => (stuck ? (never() as never) : api.inspect(name)),
    close: (...args) => (stuck ? (never() as never) : api.close(...args)),
  });
  const tab = world.tab();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(1));
  world.latest().accept();
  await vi.waitFor(() => expect(tab.state).toBe('open'));

  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  stuck = true;
  const outcome = (call: Promise<unknown>) =>
    call.then(
      () => 'answered',
      (error: { code?: string }) => `rejected ${error.code}`,
    );
  const inspected = outcome(tab.inspect());
  const closed = outcome(tab.close());
  // Far past the 8 s a worker has to answer attach.
  await vi.advanceTimersByTimeAsync(60_000);
  const pending = 'still pending';
  expect(await Promise.race([inspected, Promise.resolve(pending)])).not.toBe(pending);
  expect(await Promise.race([closed, Promise.resolve(pending)])).not.toBe(pending);
});
