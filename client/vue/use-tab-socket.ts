import {
  type MaybeRefOrGetter,
  onScopeDispose,
  type Ref,
  type ShallowRef,
  shallowRef,
  toValue,
  watch,
} from 'vue';
import { type ConnectionState, type ConnectOptions, connect, type TabSocket } from '../index';

export interface TabSocketRefs {
  /** The handle of the current `name` and `url`. */
  socket: Readonly<ShallowRef<TabSocket>>;
  /** The shared connection's state, as the handle last heard it. */
  state: Readonly<Ref<ConnectionState>>;
}

/** A handle and the function that stops listening to its state. */
interface Held {
  socket: TabSocket;
  stopListening: () => void;
}

/**
 * Connects for the life of the calling effect scope (a component's setup, or an
 * `effectScope()`): `connect(options)` at once, `release()` when the scope is disposed (the
 * socket stays for the other tabs). With options as a ref or getter, a new `name` or `url`
 * (a re-login with a new token) connects again and releases the old handle; the other
 * options are read when it connects. During server rendering `connect()` gives a handle
 * that stays `idle` (docs/bundlers.md): the component renders that, and connects in the page.
 */
const URL_FUNCTION = Symbol('url function');

export function useTabSocket(options: MaybeRefOrGetter<ConnectOptions>): TabSocketRefs {
  const state = shallowRef<ConnectionState>('idle');
  const hold = (): Held => {
    const socket = connect(toValue(options));
    state.value = socket.state;
    return { socket, stopListening: socket.on('state', (next) => (state.value = next)) };
  };
  let held = hold();
  const socket = shallowRef(held.socket);
  const name = () => toValue(options).name;
  // Every url function is the same login (as connect() has it): a new one is no re-login.
  const login = () => {
    const { url } = toValue(options);
    return typeof url === 'function' ? URL_FUNCTION : url;
  };
  watch([name, login], () => {
    // Connect first: on a re-login, connect() itself retires the old handle.
    const previous = held;
    held = hold();
    socket.value = held.socket;
    letGo(previous);
  });
  onScopeDispose(() => letGo(held));
  // Read-only by type: a readonly() proxy around the handle would break its private fields.
  return { socket, state };
}

function letGo({ socket, stopListening }: Held): void {
  stopListening();
  // A disposed scope has nobody to tell that the worker died meanwhile: the tab's share
  // is gone with the worker anyway.
  socket.release().catch(() => {});
}
