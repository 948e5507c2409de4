/** The worker script tabsocket starts by default (see client/default-worker.ts). */
import { serve } from './serve';

serve(self as unknown as import('./serve').ConnectScope);
