/** The per-tab partysocket page: each tab has its own socket and app heartbeat. */
import { createPartySocket } from './clients/partysocket-client';
import { installBench } from './harness';
import { parseFrame } from './parse-frame';

installBench('partysocket', (config, sink) => {
  const socket = createPartySocket(config.url, config, () => sink.event('dead'));
  socket.addEventListener('open', () => sink.event('open'));
  socket.addEventListener('close', () => sink.event('close'));
  socket.addEventListener('message', (event) => parseFrame(event.data, sink));
  return {
    send: (frame) => socket.send(JSON.stringify(frame)),
    isOpen: () => socket.readyState === WebSocket.OPEN,
  };
});
