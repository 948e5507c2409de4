/**
 * A worker script that does not load (a bundler that did not ship it: a 404) fires `error`
 * on the worker object and never answers: the handles fail within a second or so, and every
 * call rejects with a `WorkerError` naming the script's url and the docs that fix it.
 * connect() keeps its default client for the module's life: each test imports a fresh one.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Hub } from '../worker/hub/hub';
import { createHub, exposeHub } from '../worker/serve';
import { fakeEnvironment } from '../worker/test-support/fake-socket';
import type { TabSocket, TabSocketError } from './index';

/**
 * What the next worker object does: fire `error` as a 404 does, and answer or not; or say
 * nothing, as Chrome's failing SharedWorker does to a tab that joined it late.
 */
let behaviour: 'not-found' | 'error-then-answers' | 'nothing-then-not-found';
let hub: Hub;
const scripts: string[] = [];

/** The script's `error` event comes a task after the constructor, as a failed fetch's does. */
function start(target: EventTarget, port: MessagePort): void {
  if (behaviour === 'nothing-then-not-found') {
    behaviour = 'not-found';
    return;
  }
  if (behaviour === 'error-then-answers') exposeHub(hub, port);
  setTimeout(() => target.dispatchEvent(new Event('error')), 0);
}

class FakeSharedWorker extends EventTarget {
  readonly port: MessagePort;
  constructor(url: URL) {
    super();
    scripts.push(String(url));
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    start(this, port2);
  }
}

class FakeWorker extends EventTarget {
  constructor(url: URL) {
    super();
    scripts.push(String(url));
  }
  postMessage(_message: null, [port]: [MessagePort]): void {
    start(this, port);
  }
}

function historyOf(socket: TabSocket): string[] {
  const history: string[] = [];
  socket.on('state', (state, detail) => history.push(`${state}:${detail.reason}`));
  return history;
}

function errorsOf(socket: TabSocket): TabSocketError[] {
  const errors: TabSocketError[] = [];
  socket.on('error', (error) => errors.push(error));
  return errors;
}

/** connect() of a module instance of its own: a fresh default client. */
async function freshConnect() {
  vi.resetModules();
  return (await import('./index')).connect;
}

beforeEach(() => {
  scripts.length = 0;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  hub = createHub({ ...fakeEnvironment().env, locks: undefined });
  vi.stubGlobal('window', globalThis);
  vi.stubGlobal('navigator', { onLine: true, locks: undefined });
  vi.stubGlobal('addEventListener', () => {});
});

afterEach(() => {
  hub.dispose();
  vi.useRealTimers();
});

describe('a worker script that does not load', () => {
  it.each([
    ['SharedWorker', 'shared-worker.js'],
    ['dedicated worker (no SharedWorker)', 'dedicated-worker.js'],
  ])(
    '%s: every handle fails within 1 s, every call rejects naming the script url and the docs',
    async (kind, file) => {
      behaviour = 'not-found';
      if (file === 'shared-worker.js') vi.stubGlobal('SharedWorker', FakeSharedWorker);
      else {
        vi.stubGlobal('SharedWorker', undefined);
        vi.stubGlobal('Worker', FakeWorker);
      }
      const connect = await freshConnect();
      const tab = connect({ url: 'ws://127.0.0.1:9/ws', name: kind });
      const other = connect({ url: 'ws://127.0.0.1:9/ws', name: `${kind} too` });
      const history = historyOf(tab);
      const errors = errorsOf(tab);
      const pending = Promise.allSettled([tab.send('x'), other.send('y'), tab.inspect()]);
      await vi.advanceTimersByTimeAsync(999);
      expect(tab.state).toBe('idle');
      await vi.advanceTimersByTimeAsync(1);
      expect(history).toEqual(['failed:worker-silent']);
      expect(other.state).toBe('failed');
      const script = scripts.at(-1) ?? '';
      expect(script).toMatch(new RegExp(`/${file}$`));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: 'TS_ERR_WORKER', name: 'WorkerError' });
      // The script's url as the page resolves it: vitest runs the sources, whose stack
      // frames name bare paths, so here it is the path alone (e2e/builds sees the url).
      expect(script).toMatch(new RegExp(`/worker/${file}$`));
      expect(errors[0]?.message).toContain(`the worker script ../worker/${file} did not load`);
      expect(errors[0]?.message).toContain('docs/bundlers.md');
      for (const outcome of await pending) {
        expect(outcome).toMatchObject({ status: 'rejected', reason: errors[0] });
      }
      await expect(tab.send('later')).rejects.toBe(errors[0]);
    },
  );

  it('a SharedWorker that never says its script failed is started once more at 2 s, and fails when that one does', async () => {
    behaviour = 'nothing-then-not-found';
    vi.stubGlobal('SharedWorker', FakeSharedWorker);
    const connect = await freshConnect();
    const tab = connect({ url: 'ws://127.0.0.1:9/ws' });
    const history = historyOf(tab);
    const sent = tab.send('x').catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(scripts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(scripts).toHaveLength(2);
    // Its `error` comes a task later, and the grace of 1 s runs from there.
    await vi.advanceTimersByTimeAsync(900);
    expect(tab.state).toBe('idle');
    await vi.advanceTimersByTimeAsync(200);
    expect(history).toEqual(['failed:worker-silent']);
    await expect(sent).resolves.toMatchObject({ message: expect.stringContaining('did not load') });
  });

  it('a worker whose object fired error but that answers is kept, and its error reported once', async () => {
    behaviour = 'error-then-answers';
    vi.stubGlobal('SharedWorker', FakeSharedWorker);
    const connect = await freshConnect();
    const tab = connect({ url: 'ws://127.0.0.1:9/ws', name: 'answers', heartbeat: false });
    const errors = errorsOf(tab);
    await vi.advanceTimersByTimeAsync(0);
    await vi.waitFor(() => expect(tab.state).toBe('connecting'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(tab.state).toBe('connecting');
    expect(errors).toEqual([expect.objectContaining({ code: 'TS_ERR_WORKER' })]);
    expect(errors[0]?.message).not.toContain('docs/bundlers.md');
    const sent = tab.send('goes');
    await vi.advanceTimersByTimeAsync(0);
    expect(await Promise.race([sent.then(() => 'settled'), Promise.resolve('pending')])).toBe(
      'pending',
    );
  });
});
