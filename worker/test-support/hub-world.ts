import { type ConnectionOptions, resolveOptions } from '../../protocol/connection-options';
import { relayChannelName, tabLockName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
import type { HubApi, TabEvent, TabEventMessage, TabFrame } from '../../protocol/tab-hub';
import type { Hub } from '../hub/hub';
import type { LockWaiter, RelayChannelPort } from '../platform';
import { createHub } from '../serve';
import { FakeLocks } from './fake-locks';
import { type FakeSocket, fakeEnvironment } from './fake-socket';

/**
 * Several hubs of one browser profile in this process, as SharedWorkers of two builds or
 * the hubs of tabs without SharedWorker would be: one lock manager, real BroadcastChannels
 * (Node has them), and one list of fake sockets, so a test counts the sockets of them all.
 * `kill` ends a hub as the browser ends a worker: its locks let go, its channels go
 * silent, and nothing of it runs again, with no goodbye.
 */
export function hubWorld() {
  const locks = new FakeLocks();
  const { env, sockets, latest } = fakeEnvironment();
  const hubs: Array<{ hub: Hub; kill: () => void }> = [];
  const hooks: {
    /** Called as each socket is created, before any other task runs: a test drives it at once. */
    socketCreated?: (socket: FakeSocket) => void;
    /**
     * Called as a hub of `build` is handed a relay message, before it handles it; `'lost'`
     * keeps the message from the hub, as from one that dies before it gets to it.
     */
    relayReceived?: (build: string, message: RelayMessage) => 'lost' | undefined;
  } = {};

  /** `streams`: the hub can open HTTP streams too, fake sockets whose protocols are `['sse']`. */
  function startHub(build = 'build-a', { streams = false } = {}) {
    let killed = false;
    let onKill: Array<() => void> = [];
    const hubLocks: LockWaiter = {
      request: (name, options, callback) =>
        locks.request(name, options, () => {
          if (killed) return undefined;
          const held = Promise.resolve(callback());
          // A killed hub lets go of every lock it holds, whatever its callbacks wait for.
          return Promise.race([held, new Promise((release) => onKill.push(() => release(null)))]);
        }),
    };
    const channels: RelayChannelPort[] = [];
    const createSocket = (url: string, protocols: string[]) => {
      const socket = env.createSocket(url, protocols);
      hooks.socketCreated?.(socket as FakeSocket);
      return socket;
    };
    const hub = createHub({
      ...env,
      createSocket,
      ...(streams ? { loadStream: async () => (url: string) => createSocket(url, ['sse']) } : {}),
      locks: hubLocks,
      build,
      openChannel: (name) => {
        const channel = relayChannel(name, (message) => {
          // Posted by `deliver`: for the hub of one build only, past the hook.
          const { heldFor } = message as Held;
          if (heldFor !== undefined) return heldFor === build ? undefined : 'lost';
          return hooks.relayReceived?.(build, message);
        });
        channels.push(channel);
        return channel;
      },
    });
    const kill = () => {
      killed = true;
      for (const channel of channels) {
        channel.onmessage = null;
        channel.postMessage = () => {};
        channel.close();
      }
      for (const release of onKill) release();
      onKill = [];
    };
    hubs.push({ hub, kill });
    return { hub, kill };
  }

  /**
   * A tab of `hub`: it holds its own lock, as client/ does, and records what it hears.
   * `back`: the tab holds its lock already (it comes back after its hub died).
   */
  async function attachTab(hub: Hub, tabId: string, { back = false } = {}) {
    if (!back) {
      await new Promise<void>((held) => {
        void locks.request(tabLockName(tabId), {}, () => {
          held();
          return new Promise(() => {});
        });
      });
    }
    const events: TabEvent[] = [];
    const api: HubApi = hub.api({
      postMessage: (message: TabEventMessage) => events.push(message.tabsocket),
    });
    await api.attach(tabId, true);
    // Without the date the socket heard each (`TabFrame.at`): as the app sees them.
    const frames = () =>
      events.flatMap((event) =>
        event.kind === 'frames'
          ? event.frames.map(({ at, ...frame }) => frame)
          : ([] as TabFrame[]),
      );
    const states = () =>
      events.flatMap((event) =>
        event.kind === 'state' ? [`${event.state}:${event.detail.reason}`] : [],
      );
    return { api, events, frames, states, tabId };
  }

  /**
   * Hands relay messages a test held back (`hooks.relayReceived`) to the hubs of one build
   * each (`to`: the build, or which build for the message at `index`), once, in the order
   * given, on one channel of `name`; no other hub reads them.
   */
  function deliver(
    name: string,
    messages: readonly RelayMessage[],
    to: string | ((message: RelayMessage, index: number) => string),
  ): void {
    const channel = new BroadcastChannel(relayChannelName(name));
    messages.forEach((message, index) => {
      const heldFor = typeof to === 'string' ? to : to(message, index);
      channel.postMessage({ ...message, heldFor } satisfies Held);
    });
    channel.close();
  }

  function dispose(): void {
    for (const { hub, kill } of hubs) {
      hub.dispose();
      kill();
    }
  }

  return { locks, sockets, latest, hooks, startHub, attachTab, deliver, dispose };
}

/** A relay message `deliver` posts for the hubs of one build. */
type Held = RelayMessage & { heldFor?: string };

/** A real BroadcastChannel whose messages pass `seen` before the hub's handler. */
function relayChannel(
  name: string,
  seen: (message: RelayMessage) => 'lost' | undefined,
): RelayChannelPort {
  const channel = new BroadcastChannel(name);
  let handler: RelayChannelPort['onmessage'] = null;
  return {
    postMessage: (message) => channel.postMessage(message),
    close: () => channel.close(),
    get onmessage() {
      return handler;
    },
    set onmessage(next) {
      handler = next;
      channel.onmessage = next
        ? (event) => {
            if (seen(event.data as RelayMessage) !== 'lost') handler?.(event);
          }
        : null;
    },
  };
}

/** Options as a tab resolves them, for connection `name` (unique per test: channels are real). */
export function relayOptions(name: string, overrides: Omit<ConnectionOptions, 'url'> = {}) {
  return resolveOptions({
    url: 'ws://127.0.0.1:9/ws',
    name,
    heartbeat: false,
    ...overrides,
  });
}
