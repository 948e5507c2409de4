import { releaseProxy } from 'comlink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../protocol/clock';
import { resolveOptions } from '../../protocol/connection-options';
import { UrlProviderError } from '../../protocol/errors';
import type { TabEventMessage } from '../../protocol/tab-hub';
import { fakeEnvironment } from '../test-support/fake-socket';
import { Hub } from './hub';
import { UrlSource, UrlSources } from './url-source';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

const never = () => new Promise<string>(() => {});

/** Where a rejected fetch ends: its error, for the assertions. */
async function failureOf(fetched: Promise<string>): Promise<UrlProviderError> {
  const settled = fetched.then(
    () => undefined,
    (error: UrlProviderError) => error,
  );
  await vi.advanceTimersByTimeAsync(0);
  const error = await settled;
  expect(error).toBeInstanceOf(UrlProviderError);
  return error as UrlProviderError;
}

describe('UrlSource', () => {
  it('asks the oldest tab that gave a function, and checks its url', async () => {
    const source = new UrlSource('chat', systemClock);
    const second = vi.fn(async () => 'wss://b/');
    source.add('tab-1', async () => 'https://a/socket?token=1');
    source.add('tab-2', second);
    await expect(source.fetch(1_000)).resolves.toBe('wss://a/socket?token=1');
    expect(second).not.toHaveBeenCalled();
  });

  it('fails the fetch with TS_ERR_URL_PROVIDER when the function throws, naming what it threw', async () => {
    const source = new UrlSource('chat', systemClock);
    source.add('tab-1', () => Promise.reject(new Error('not logged in')));
    const error = await failureOf(source.fetch(1_000));
    expect(error.code).toBe('TS_ERR_URL_PROVIDER');
    expect(error.message).toBe('tabsocket: the url function of "chat" threw: not logged in');
  });

  it.each([['ftp://a/'], [''], [42], ['wss://a/#x']])('refuses the url %j', async (url) => {
    const source = new UrlSource('chat', systemClock);
    source.add('tab-1', async () => url as string);
    const error = await failureOf(source.fetch(1_000));
    expect(error.message).toContain('gave a url that cannot be used');
  });

  it('fails after the timeout when the tab does not answer, and asks another tab first next time', async () => {
    const source = new UrlSource('chat', systemClock);
    source.add('frozen', never);
    source.add('tab-2', async () => 'wss://b/');
    const fetched = source.fetch(1_000).catch((error: Error) => error.message);
    await vi.advanceTimersByTimeAsync(999);
    source.add('late', async () => 'wss://late/');
    await vi.advanceTimersByTimeAsync(1);
    await expect(fetched).resolves.toBe(
      'tabsocket: the url function of "chat" did not answer within 1000 ms',
    );
    await expect(source.fetch(1_000)).resolves.toBe('wss://b/');
  });

  it('asks the next tab at once when the tab asked leaves', async () => {
    const source = new UrlSource('chat', systemClock);
    source.add('leaving', never);
    source.add('staying', async () => 'wss://b/?token=2');
    const fetched = source.fetch(1_000);
    source.remove('leaving');
    await expect(fetched).resolves.toBe('wss://b/?token=2');
  });

  it('fails when no tab gave a function, or every tab asked left', async () => {
    const source = new UrlSource('chat', systemClock);
    expect((await failureOf(source.fetch(1_000))).message).toBe(
      'tabsocket: no tab on "chat" gave a url function',
    );
    source.add('leaving', never);
    const fetched = source.fetch(1_000);
    source.remove('leaving');
    expect((await failureOf(fetched)).message).toBe(
      'tabsocket: every tab asked for a url for "chat" left',
    );
  });

  it('lets go of a comlink function (its port) when replaced or when its tab leaves', () => {
    const source = new UrlSource('chat', systemClock);
    const first = Object.assign(async () => 'wss://a/', { [releaseProxy]: vi.fn() });
    const second = Object.assign(async () => 'wss://a/', { [releaseProxy]: vi.fn() });
    source.add('tab-1', first);
    source.add('tab-1', second);
    expect(first[releaseProxy]).toHaveBeenCalledTimes(1);
    source.remove('tab-1');
    expect(second[releaseProxy]).toHaveBeenCalledTimes(1);
    expect(source.size).toBe(0);
  });
});

describe('UrlSources', () => {
  const provided = resolveOptions({ url: () => 'wss://a/', name: 'chat', connectTimeout: 500 });

  it('gives freshUrl only to a connection opened with a url function', () => {
    const sources = new UrlSources(systemClock);
    expect(sources.environmentOf(resolveOptions({ url: 'wss://a/' }))).toEqual({});
    expect(sources.environmentOf(provided).freshUrl).toBeTypeOf('function');
  });

  it('keeps the functions per name and tab; a tab that opens without one drops its own', async () => {
    const sources = new UrlSources(systemClock);
    const { freshUrl } = sources.environmentOf(provided);
    sources.set('chat', 'tab-1', async () => 'wss://one/');
    sources.set('other', 'tab-2', async () => 'wss://other/');
    await expect(freshUrl?.(new AbortController().signal)).resolves.toBe('wss://one/');
    sources.set('chat', 'tab-1', undefined);
    expect((await failureOf(freshUrl?.(new AbortController().signal) ?? never())).code).toBe(
      'TS_ERR_URL_PROVIDER',
    );
  });

  it('bounds the ask by the connection’s connectTimeout', async () => {
    const sources = new UrlSources(systemClock);
    sources.set('chat', 'tab-1', never);
    const fetched =
      sources.environmentOf(provided).freshUrl?.(new AbortController().signal) ?? never();
    const settled = fetched.catch((error: Error) => error.message);
    await vi.advanceTimersByTimeAsync(500);
    await expect(settled).resolves.toContain('did not answer within 500 ms');
  });
});

describe('a logout during an ask', () => {
  it('leaves no timer: the ask and its deadline end with the attempt', async () => {
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
    const options = resolveOptions({ url: () => '', heartbeat: false, connectTimeout: 10_000 });
    // The url function never answers (a token request hangs).
    await api.open('a', options, undefined, never);
    await vi.advanceTimersByTimeAsync(0);
    expect(api.close('a', 'default', 1000, '')).toEqual({ ok: true, value: undefined });
    await vi.advanceTimersByTimeAsync(0);
    expect(hub.inspect('default')?.state).toBe('closed');
    expect(fake.sockets).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
