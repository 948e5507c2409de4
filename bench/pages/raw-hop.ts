/** The raw-hop page: no socket; a SharedWorker posts to every tab's port (the floor). */
import type { RawHopCommand } from './clients/raw-hop-worker';
import { installBench } from './harness';

installBench('raw-hop', (_config, sink) => {
  const worker = new SharedWorker(new URL('./clients/raw-hop-worker.ts', import.meta.url), {
    type: 'module',
    name: 'raw-hop',
  });
  const port = worker.port;
  const command = (message: RawHopCommand) => port.postMessage(message);
  let registered = false;
  port.onmessage = (event: MessageEvent) => {
    const data = event.data as { welcome?: true; tabsocket?: { data: unknown } };
    if (data.welcome) {
      // Open only once the worker counts this tab: a blast from another tab reaches it.
      registered = true;
      sink.event('open');
    } else if (data.tabsocket) {
      sink.message(data.tabsocket.data);
    }
  };
  command({ hello: true });
  return {
    send: (frame) => command(frame),
    isOpen: () => registered,
    blast: (m) => command({ blast: m }),
  };
});
