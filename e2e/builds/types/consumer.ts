/**
 * An app's use of every entry, type-checked against the packed package under each
 * `moduleResolution` (types.builds.ts). Each `@ts-expect-error` fails the check if the
 * line type-checks, as it would were the entry's types `any` (an import that did not
 * resolve, silenced by skipLibCheck).
 */
import { type ConnectionState, connect, WorkerError } from 'tabsocket';
import { useTabSocket } from 'tabsocket/react';
import { createTabSocketServer } from 'tabsocket/server';
import { createRedisStores } from 'tabsocket/server/redis';
import { useTabSocket as useVueTabSocket } from 'tabsocket/vue';
import { serve } from 'tabsocket/worker';
// With noUncheckedSideEffectImports, an import of a script without types fails.
import 'tabsocket/shared-worker';
import 'tabsocket/dedicated-worker';

const socket = connect({ url: 'wss://example.com/ws' });
const state: ConnectionState = socket.state;
// @ts-expect-error a state is one of the ConnectionState strings
const notAState: number = socket.state;
// @ts-expect-error url is a string or a function
connect({ url: 42 });
// @ts-expect-error the error classes are typed, with a stable code
const code: number = new WorkerError('x').code;

export function useReactState(): number {
  // @ts-expect-error the binding's state is a ConnectionState
  return useTabSocket({ url: 'wss://example.com/ws' }).state;
}

// @ts-expect-error the composable's state is a ref of ConnectionState
const vueState: number = useVueTabSocket({ url: 'wss://example.com/ws' }).state.value;

// @ts-expect-error serve() takes a worker's global scope
serve(42);

// @ts-expect-error the server takes an options object
createTabSocketServer(42);

// @ts-expect-error the stores take a Redis client
createRedisStores(42);

export { code, notAState, state, vueState };
