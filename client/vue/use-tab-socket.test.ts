// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createApp,
  defineComponent,
  effectScope,
  h,
  type MaybeRefOrGetter,
  nextTick,
  ref,
} from 'vue';
import { type InProcessHub, startInProcessHub } from '../../worker/test-support/in-process-hub';
import type { ConnectOptions } from '../index';
import { TabSocketHandle } from '../tab-socket';
import { useTabSocket } from './use-tab-socket';
import { useTopic } from './use-topic';

let tab: InProcessHub;
let topicFrames: unknown[];

function options(overrides: Partial<ConnectOptions> = {}): ConnectOptions {
  return {
    url: 'ws://127.0.0.1:9/ws',
    heartbeat: false,
    gracePeriod: 0,
    worker: tab.worker,
    ...overrides,
  };
}

/** The composables in an effect scope, as a component's setup or a store would call them. */
function inScope(connectOptions: MaybeRefOrGetter<ConnectOptions>, topic = ref('news')) {
  const scope = effectScope();
  const refs = scope.run(() => {
    const bound = useTabSocket(connectOptions);
    useTopic(bound.socket, topic, (data) => topicFrames.push(data));
    return bound;
  });
  if (!refs) throw new Error('the scope did not run');
  return { ...refs, topic, stop: () => scope.stop() };
}

beforeEach(() => {
  tab = startInProcessHub();
  topicFrames = [];
  vi.spyOn(TabSocketHandle.prototype, 'release');
});

afterEach(() => {
  tab.dispose();
});

describe('useTabSocket()', () => {
  it('connects with the component and releases with it; its state renders', async () => {
    const element = document.createElement('div');
    const App = defineComponent(() => {
      const { state } = useTabSocket(options());
      return () => h('p', state.value);
    });
    const app = createApp(App);
    app.mount(element);
    await vi.waitFor(() => expect(tab.sockets).toHaveLength(1));
    tab.latest().accept();
    await vi.waitFor(() => expect(element.textContent).toBe('open'));
    expect(tab.hub.inspect('default')?.tabs).toHaveLength(1);
    app.unmount();
    await vi.waitFor(() => expect(tab.latest().closeCalls).toHaveLength(1));
    expect(TabSocketHandle.prototype.release).toHaveBeenCalledTimes(1);
    expect(tab.hub.inspect('default')?.tabs ?? []).toEqual([]);
    expect(tab.sockets).toHaveLength(1);
  });

  it('connects again on a new url (re-login) and releases the old handle', async () => {
    const current = ref(options({ url: 'ws://127.0.0.1:9/ws?token=a' }));
    const bound = inScope(current);
    await vi.waitFor(() => expect(tab.sockets).toHaveLength(1));
    tab.latest().accept();
    await vi.waitFor(() => expect(bound.state.value).toBe('open'));
    const first = bound.socket.value;
    current.value = options({ url: 'ws://127.0.0.1:9/ws?token=b' });
    await vi.waitFor(() => expect(tab.sockets).toHaveLength(2));
    tab.latest().accept();
    await vi.waitFor(() => expect(bound.state.value).toBe('open'));
    expect(bound.socket.value).not.toBe(first);
    expect(first.state).toBe('closed');
    expect(tab.sockets[0]?.closeCalls).toHaveLength(1);
    expect(tab.hub.inspect('default')?.url).toBe('ws://127.0.0.1:9/ws?token=b');
    tab.latest().receive('{"topic":"news","n":1}');
    await vi.waitFor(() => expect(topicFrames).toEqual([{ topic: 'news', n: 1 }]));
    bound.stop();
  });

  it('keeps the handle when only other options change', async () => {
    const current = ref(options({ outboxLimit: 5 }));
    const bound = inScope(current);
    const first = bound.socket.value;
    current.value = options({ outboxLimit: 6 });
    await nextTick();
    expect(bound.socket.value).toBe(first);
    expect(TabSocketHandle.prototype.release).not.toHaveBeenCalled();
    bound.stop();
  });

  it('leaves the old connection and follows the new one when the name changes', async () => {
    const current = ref(options({ name: 'a' }));
    const bound = inScope(current);
    await vi.waitFor(() => expect(tab.hub.inspect('a')?.tabs).toHaveLength(1));
    current.value = options({ name: 'b' });
    await vi.waitFor(() => expect(tab.hub.inspect('b')?.tabs).toHaveLength(1));
    await vi.waitFor(() => expect(tab.hub.inspect('a')?.tabs ?? []).toEqual([]));
    expect(TabSocketHandle.prototype.release).toHaveBeenCalledTimes(1);
    tab.latest().accept();
    await vi.waitFor(() => expect(bound.state.value).toBe('open'));
    expect(bound.socket.value.name).toBe('b');
    bound.stop();
  });
});

describe('useTopic()', () => {
  it('delivers each frame of its topic once, and none once the scope is stopped', async () => {
    const bound = inScope(options());
    await vi.waitFor(() => expect(tab.sockets).toHaveLength(1));
    tab.latest().accept();
    await vi.waitFor(() => expect(bound.state.value).toBe('open'));
    tab.latest().receive('{"topic":"other"}');
    tab.latest().receive('{"topic":"news","n":1}');
    await vi.waitFor(() => expect(topicFrames).toHaveLength(1));
    bound.stop();
    tab.latest().receive('{"topic":"news","n":2}');
    expect(topicFrames).toEqual([{ topic: 'news', n: 1 }]);
  });

  it('follows a new topic', async () => {
    const bound = inScope(options());
    await vi.waitFor(() => expect(tab.sockets).toHaveLength(1));
    tab.latest().accept();
    bound.topic.value = 'sport';
    await vi.waitFor(() => expect(bound.state.value).toBe('open'));
    await nextTick();
    tab.latest().receive('{"topic":"news"}');
    tab.latest().receive('{"topic":"sport"}');
    await vi.waitFor(() => expect(topicFrames).toEqual([{ topic: 'sport' }]));
    bound.stop();
  });
});
