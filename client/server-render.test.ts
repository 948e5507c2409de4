/**
 * Server rendering: connect() and the bindings run under Node with no page globals at all
 * (this file's environment is plain Node: no window, SharedWorker, Worker or locks).
 */

import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { connect, WorkerError } from './index';
import { useTabSocket as useReactTabSocket } from './react';
import { useTabSocket as useVueTabSocket } from './vue';

const options = { url: 'ws://127.0.0.1:9/ws' };

beforeEach(() => {
  vi.useFakeTimers();
  // Node 21+ has a navigator; whatever it holds, server rendering must not read it.
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    get: () => {
      throw new Error('navigator read during server rendering');
    },
  });
});

afterEach(() => {
  Reflect.deleteProperty(globalThis, 'navigator');
  vi.useRealTimers();
});

describe('connect() during server rendering', () => {
  it('does not throw, and its handle stays idle', async () => {
    const socket = connect(options);
    const states: string[] = [];
    socket.on('state', (state) => states.push(state));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(socket.state).toBe('idle');
    expect(states).toEqual([]);
  });

  it('rejects a send at once with WorkerError, which says why', async () => {
    const sent = connect(options).send('hello');
    await expect(sent).rejects.toThrow(WorkerError);
    await expect(sent).rejects.toThrow(/server rendering/);
  });

  it('still throws for bad options, as in the page', () => {
    expect(() => connect({ url: 'ftp://example.com' })).toThrow(/url/);
  });

  it('lets the handle be released, closed, inspected and listened to', async () => {
    const socket = connect(options);
    const unsubscribe = socket.subscribe('news', () => {});
    unsubscribe();
    await expect(socket.inspect()).resolves.toBeUndefined();
    await expect(socket.close()).resolves.toBeUndefined();
    await expect(socket.release()).resolves.toBeUndefined();
  });
});

describe('the bindings during server rendering', () => {
  it('React: renders the initial state, idle', () => {
    function App() {
      return createElement('p', null, useReactTabSocket(options).state);
    }
    expect(renderToString(createElement(App))).toBe('<p>idle</p>');
  });

  it('Vue: the composable connects without throwing and stays idle', () => {
    const scope = effectScope();
    const bound = scope.run(() => useVueTabSocket(options));
    expect(bound?.state.value).toBe('idle');
    expect(bound?.socket.value.state).toBe('idle');
    scope.stop();
  });
});
