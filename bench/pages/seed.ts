/** The per-tab seed recipe page: each tab has its own socket and heartbeat. */
import { createSeedSocket } from './clients/seed-recipe';
import { installBench } from './harness';
import { parseFrame } from './parse-frame';

installBench('seed', (config, sink) => {
  const socket = createSeedSocket(config.url, config, {
    message: (data) => parseFrame(data, sink),
    open: () => sink.event('open'),
    close: () => sink.event('close'),
    dead: () => sink.event('dead'),
  });
  return { send: (frame) => socket.send(JSON.stringify(frame)), isOpen: socket.isOpen };
});
