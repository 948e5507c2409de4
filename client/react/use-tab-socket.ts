import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { type ConnectionState, type ConnectOptions, connect, type TabSocket } from '../index';
import { SocketLease } from './socket-lease';

export interface TabSocketBinding {
  /** This component's handle; `undefined` until the first effect ran (and during server rendering). */
  socket: TabSocket | undefined;
  /** The shared connection's state; `'idle'` while there is no handle. Re-renders on change. */
  state: ConnectionState;
}

const noSubscription = () => () => {};
const idle = (): ConnectionState => 'idle';
const URL_FUNCTION = Symbol('url function');

/**
 * Connects while the component is mounted: `connect(options)` after the first render,
 * `release()` on unmount (the socket stays for the other tabs). A new `name` or `url` (a
 * re-login with a new token) connects again; the other options are read when it connects.
 * StrictMode's double mount opens one handle and releases nothing.
 */
export function useTabSocket(options: ConnectOptions): TabSocketBinding {
  const [lease] = useState(() => new SocketLease());
  const [socket, setSocket] = useState<TabSocket>();
  const { name } = options;
  // Every url function is the same login (as connect() has it): an inline function, new
  // on each render, must not connect again.
  const login = typeof options.url === 'function' ? URL_FUNCTION : options.url;
  // biome-ignore lint/correctness/useExhaustiveDependencies: only name and url make a new connection; the rest of this render's options are what connect() is given.
  useEffect(() => {
    setSocket(lease.take([name, login], () => connect(options)));
    return () => lease.letGo();
  }, [lease, name, login]);
  const subscribe = useCallback(
    (onChange: () => void) => socket?.on('state', onChange) ?? noSubscription(),
    [socket],
  );
  const state = useSyncExternalStore(subscribe, () => socket?.state ?? 'idle', idle);
  return { socket, state };
}
