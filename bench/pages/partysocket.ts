/** The per-tab partysocket page: each tab has its own socket and app heartbeat. */
import { createPartySocket } from './clients/partysocket-client';
import { installLibraryPage } from './library-page';

installLibraryPage('partysocket', createPartySocket);
