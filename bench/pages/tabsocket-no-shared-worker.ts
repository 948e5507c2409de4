/**
 * A browser without SharedWorker (older Chrome for Android, WebViews): the page's HTML
 * deletes `window.SharedWorker` before this module loads, so each tab runs its hub in a
 * dedicated worker of its own, and the hubs share one socket through the owner lock.
 */
import { installTabsocketPage } from './tabsocket-page';

if (typeof SharedWorker !== 'undefined') throw new Error('SharedWorker is still there');
installTabsocketPage('tabsocket-no-shared-worker');
