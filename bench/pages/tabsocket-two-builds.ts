/**
 * Two builds of the app side by side (a deploy while tabs stay open): a page opened with
 * `?build=b` starts the package's SharedWorker from a second URL, the same script with
 * `?build=b` appended, so the browser runs two hubs. One of them owns the socket, the other
 * relays through it.
 */
/// <reference types="vite/client" />
import workerUrl from '../.build/tabsocket/dist/shared-worker.js?worker&url';
import { installTabsocketPage } from './tabsocket-page';

const buildB = new URLSearchParams(location.search).get('build') === 'b';
installTabsocketPage(
  'tabsocket-two-builds',
  buildB
    ? () => new SharedWorker(`${workerUrl}?build=b`, { type: 'module', name: 'tabsocket' })
    : undefined,
);
