/**
 * The worker of "build B": the package's hub served from a script of the app's own, so it
 * runs at another URL than the package's default worker, as the worker of another deploy
 * would. A different URL is a different SharedWorker instance.
 */
import { serve } from 'tabsocket/worker';

serve(self as unknown as import('tabsocket/worker').ConnectScope);
