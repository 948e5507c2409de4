import type { TabSocket } from '../index';

/** What a lease holds: the handle, whose connection key it was opened for, and whether it is let go. */
interface Held {
  readonly key: readonly unknown[];
  readonly socket: TabSocket;
  phase: 'held' | 'letting-go';
}

/**
 * One component's hold on a `connect()` handle. Letting go releases the handle a microtask
 * later, unless the component takes it again first under the same key: React's StrictMode
 * runs an effect's cleanup and the effect again in one go on mount, and that must neither
 * release the tab's share of the socket nor open a second handle.
 */
export class SocketLease {
  #held: Held | undefined;

  /** The held handle if it was opened for `key`, else a new one from `open`. */
  take(key: readonly unknown[], open: () => TabSocket): TabSocket {
    const held = this.#held;
    if (held?.phase === 'letting-go' && sameKey(held.key, key)) {
      held.phase = 'held';
      return held.socket;
    }
    const socket = open();
    this.#held = { key, socket, phase: 'held' };
    return socket;
  }

  letGo(): void {
    const held = this.#held;
    if (!held) return;
    held.phase = 'letting-go';
    queueMicrotask(() => {
      if (held.phase !== 'letting-go') return;
      if (this.#held === held) this.#held = undefined;
      // An unmounted component has nobody to tell that the worker died meanwhile: the
      // tab's share is gone with the worker anyway.
      held.socket.release().catch(() => {});
    });
  }
}

function sameKey(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((part, at) => Object.is(part, b[at]));
}
