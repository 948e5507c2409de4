/**
 * Review (issue 19), invariant 4: after close() (logout), zero sockets and zero timers.
 * A logout while the worker waits for a tab's url function to answer leaves that ask's
 * deadline timer running (UrlSources.fetch); the ask itself stays registered until then.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { resolveOptions } from '../../protocol/connection-options';
import type { TabEventMessage } from '../../protocol/tab-hub';
import { Hub } from '../hub';
import { fakeEnvironment } from '../test-support/fake-socket';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

it('a logout while a url function has not answered leaves no timer', async () => {
  const fake = fakeEnvironment();
  const hub = new Hub({
    ...fake.env,
    openChannel: undefined,
    build: 'test',
    locks: undefined,
    schedule: (task) => setTimeout(task, 0),
  });
  const api = hub.api({ postMessage: (_: TabEventMessage) => {} });
  await api.attach('a', true);
  const options = resolveOptions({
    url: () => '',
    heartbeat: false,
    connectTimeout: 10_000,
  });
  // The url function never answers (a token request hangs).
  await api.open('a', options, undefined, () => new Promise<string>(() => {}));
  await vi.advanceTimersByTimeAsync(0);
  expect(api.close('a', 'default', 1000, '')).toEqual({ ok: true, value: undefined });
  await vi.advanceTimersByTimeAsync(0);
  expect(hub.inspect('default')?.state).toBe('closed');
  expect(fake.sockets).toHaveLength(0);
  expect(vi.getTimerCount()).toBe(0);
});
