/**
 * The page every end-to-end test opens: it imports tabsocket as an app would and hands the
 * test a small harness on `window`, so tests drive tabs with short `page.evaluate` calls.
 * `?build=b` runs the page as another deploy would: its SharedWorker is build-b-worker.ts.
 * `?worker=silent` gives the app a worker that starts and never answers (silent-worker.ts).
 */
import { type ConnectOptions, connect, type TabSocket } from 'tabsocket';
import type { Harness } from './harness';

const startBuildB = () =>
  new SharedWorker(new URL('./build-b-worker.ts', import.meta.url), {
    type: 'module',
    name: 'tabsocket',
  });
const startSilent = () =>
  new SharedWorker(new URL('./silent-worker.ts', import.meta.url), {
    type: 'module',
    name: 'silent',
  });
const query = new URLSearchParams(location.search);
const workerOption: Pick<ConnectOptions, 'worker'> =
  query.get('build') === 'b'
    ? { worker: startBuildB }
    : query.get('worker') === 'silent'
      ? { worker: startSilent }
      : {};

let socket: TabSocket | undefined;
const unsubscribes = new Map<string, () => void>();
const harness: Harness = {
  states: [],
  messages: [],
  errors: [],
  resyncs: 0,
  resyncedAt: [],
  builds: [],
  open(options: ConnectOptions) {
    socket = connect({ ...options, ...workerOption });
    socket.on('state', (state, detail) =>
      harness.states.push({ state, detail, at: performance.now() }),
    );
    socket.on('message', (data) => harness.messages.push(data));
    socket.on('error', (error) =>
      harness.errors.push({ code: error.code, message: error.message }),
    );
    socket.on('resync', () => {
      harness.resyncs += 1;
      harness.resyncedAt.push(harness.messages.length);
    });
    socket.on('builds', (builds) => harness.builds.push(builds));
  },
  openWithTokens(options, tokenServer, from) {
    harness.open({
      ...options,
      url: async () => {
        const response = await fetch(`${tokenServer}/token?from=${encodeURIComponent(from)}`);
        const token = await response.text();
        return `${tokenServer.replace(/^http/, 'ws')}/ws?token=${token}`;
      },
    });
  },
  tryConnect(options: unknown) {
    try {
      connect(options as ConnectOptions);
      return null;
    } catch (error) {
      const { name, code, message } = error as { name: string; code?: string; message: string };
      return { name, code: code ?? '', message };
    }
  },
  topics: {},
  subscribe(topic) {
    try {
      const received: unknown[] = harness.topics[topic] ?? [];
      harness.topics[topic] = received;
      unsubscribes.set(
        topic,
        current().subscribe(topic, (data) => received.push(data)),
      );
      return null;
    } catch (error) {
      const { name, code, message } = error as { name: string; code?: string; message: string };
      return { name, code: code ?? '', message };
    }
  },
  unsubscribe(topic) {
    unsubscribes.get(topic)?.();
    unsubscribes.delete(topic);
  },
  relogin(options) {
    void current().close();
    harness.open(options);
  },
  state: () => current().state,
  tabId: () => current().tabId,
  send: (data) => current().send(data),
  close: (code, reason) => current().close(code, reason),
  release: () => current().release(),
  inspect: () => current().inspect(),
};

function current(): TabSocket {
  if (!socket) throw new Error('harness.open() first');
  return socket;
}

window.harness = harness;
