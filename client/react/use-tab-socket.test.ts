// @vitest-environment happy-dom
import { act, createElement, StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type InProcessHub, startInProcessHub } from '../../worker/test-support/in-process-hub';
import type { ConnectionState, ConnectOptions, TabSocket } from '../index';
import { TabSocketHandle } from '../tab-socket';
import { useTabSocket } from './use-tab-socket';
import { useTopic } from './use-topic';

const connects = vi.hoisted(() => ({ count: 0 }));
vi.mock('../index', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../index')>();
  return {
    ...actual,
    connect: (options: ConnectOptions) => {
      connects.count += 1;
      return actual.connect(options);
    },
  };
});

let tab: InProcessHub;
let root: Root;
/** What the component rendered, in order: its handle and state. */
let renders: Array<{ socket: TabSocket | undefined; state: ConnectionState }>;
let topicFrames: unknown[];

function App(props: { options: ConnectOptions; topic?: string }) {
  const binding = useTabSocket(props.options);
  renders.push(binding);
  useTopic(binding.socket, props.topic ?? 'news', (data) => topicFrames.push(data));
  return createElement('p', null, binding.state);
}

function options(overrides: Partial<ConnectOptions> = {}): ConnectOptions {
  return {
    url: 'ws://127.0.0.1:9/ws',
    heartbeat: false,
    gracePeriod: 0,
    worker: tab.worker,
    ...overrides,
  };
}

async function render(props: Parameters<typeof App>[0]): Promise<void> {
  await act(async () => root.render(createElement(StrictMode, null, createElement(App, props))));
}

async function unmount(): Promise<void> {
  await act(async () => root.unmount());
}

/**
 * Waits for what the hub and the socket events do. React's act() cannot wait for them:
 * they arrive over MessagePorts. So, as Testing Library's waitFor does, the wait runs
 * outside the act environment and the updates it lets through render as in a browser.
 */
async function until(assertion: () => void): Promise<void> {
  const actEnvironment = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };
  actEnvironment.IS_REACT_ACT_ENVIRONMENT = false;
  try {
    await vi.waitFor(assertion);
  } finally {
    actEnvironment.IS_REACT_ACT_ENVIRONMENT = true;
  }
}

const current = () => renders.at(-1) as (typeof renders)[number];

beforeEach(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  tab = startInProcessHub();
  connects.count = 0;
  renders = [];
  topicFrames = [];
  vi.spyOn(TabSocketHandle.prototype, 'release');
  root = createRoot(document.createElement('div'));
});

afterEach(async () => {
  await unmount();
  tab.dispose();
});

describe('useTabSocket()', () => {
  it('opens one handle under StrictMode and re-renders with each state', async () => {
    await render({ options: options() });
    await until(() => expect(tab.sockets).toHaveLength(1));
    tab.latest().accept();
    await until(() => expect(current().state).toBe('open'));
    expect(connects.count).toBe(1);
    expect(TabSocketHandle.prototype.release).not.toHaveBeenCalled();
    expect(tab.hub.inspect('default')?.tabs).toHaveLength(1);
    expect(tab.latest().closeCalls).toEqual([]);
    expect(renders.map(({ state }) => state)).toContain('connecting');
  });

  it('releases on unmount: the tab leaves and, with no tab left, the socket closes', async () => {
    await render({ options: options() });
    await until(() => expect(tab.hub.inspect('default')?.tabs).toHaveLength(1));
    tab.latest().accept();
    await unmount();
    await until(() => expect(tab.latest().closeCalls).toHaveLength(1));
    expect(TabSocketHandle.prototype.release).toHaveBeenCalledTimes(1);
    expect(tab.hub.inspect('default')?.tabs ?? []).toEqual([]);
  });

  it('connects again on a new url (re-login) and retires the old handle', async () => {
    await render({ options: options({ url: 'ws://127.0.0.1:9/ws?token=a' }) });
    await until(() => expect(tab.sockets).toHaveLength(1));
    tab.latest().accept();
    await until(() => expect(current().state).toBe('open'));
    const first = current().socket as TabSocket;
    await render({ options: options({ url: 'ws://127.0.0.1:9/ws?token=b' }) });
    await until(() => expect(tab.sockets).toHaveLength(2));
    tab.latest().accept();
    await until(() => expect(current().state).toBe('open'));
    expect(connects.count).toBe(2);
    expect(current().socket).not.toBe(first);
    expect(first.state).toBe('closed');
    expect(tab.sockets[0]?.closeCalls).toHaveLength(1);
    expect(tab.hub.inspect('default')?.url).toBe('ws://127.0.0.1:9/ws?token=b');
    tab.latest().receive('{"topic":"news","n":1}');
    await until(() => expect(topicFrames).toEqual([{ topic: 'news', n: 1 }]));
  });

  it('keeps the handle when other options change on a render', async () => {
    await render({ options: options({ outboxLimit: 5 }) });
    await until(() => expect(tab.sockets).toHaveLength(1));
    const first = current().socket;
    await render({ options: options({ outboxLimit: 6 }) });
    expect(connects.count).toBe(1);
    expect(current().socket).toBe(first);
  });

  it('leaves the old connection when the name changes', async () => {
    await render({ options: options({ name: 'a' }) });
    await until(() => expect(tab.hub.inspect('a')?.tabs).toHaveLength(1));
    await render({ options: options({ name: 'b' }) });
    await until(() => expect(tab.hub.inspect('b')?.tabs).toHaveLength(1));
    await until(() => expect(tab.hub.inspect('a')?.tabs ?? []).toEqual([]));
    expect(TabSocketHandle.prototype.release).toHaveBeenCalledTimes(1);
  });
});

describe('useTopic()', () => {
  it('delivers each frame of its topic once under StrictMode, and none after unmount', async () => {
    await render({ options: options() });
    await until(() => expect(tab.sockets).toHaveLength(1));
    tab.latest().accept();
    await until(() => expect(current().state).toBe('open'));
    tab.latest().receive('{"topic":"other"}');
    tab.latest().receive('{"topic":"news","n":1}');
    await until(() => expect(topicFrames).toHaveLength(1));
    await unmount();
    tab.latest().receive('{"topic":"news","n":2}');
    tab.latest().receive('{"topic":"news","n":3}');
    expect(topicFrames).toEqual([{ topic: 'news', n: 1 }]);
  });

  it('follows a new topic', async () => {
    await render({ options: options() });
    await until(() => expect(tab.sockets).toHaveLength(1));
    tab.latest().accept();
    await render({ options: options(), topic: 'sport' });
    await until(() => expect(current().state).toBe('open'));
    tab.latest().receive('{"topic":"news"}');
    tab.latest().receive('{"topic":"sport"}');
    await until(() => expect(topicFrames).toEqual([{ topic: 'sport' }]));
  });
});
