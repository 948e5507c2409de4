/**
 * The hub a page starts for itself where SharedWorker is missing (see
 * client/default-worker.ts): the same hub, in a dedicated worker, so that its heartbeat and
 * backoff timers escape the throttling of a hidden page's main thread. The page hands it
 * one MessagePort, in its first message.
 */
import { createHub, exposeHub } from './serve';

const hub = createHub();
self.addEventListener('message', (event: MessageEvent) => {
  const [port] = event.ports;
  if (port) exposeHub(hub, port);
});
