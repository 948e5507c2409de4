/** The per-tab reconnecting-websocket page: each tab has its own socket and app heartbeat. */
import { createReconnectingWebSocket } from './clients/rws-client';
import { installLibraryPage } from './library-page';

installLibraryPage('rws', createReconnectingWebSocket);
