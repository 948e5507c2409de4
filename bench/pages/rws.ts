/** The per-tab reconnecting-websocket page: each tab has its own socket and app heartbeat. */
import { createReconnectingWebSocket } from './clients/rws-client';
import { installBench } from './harness';
import { parseFrame } from './parse-frame';

installBench('rws', (config, sink) => {
  const socket = createReconnectingWebSocket(config.url, config, () => sink.event('dead'));
  socket.addEventListener('open', () => sink.event('open'));
  socket.addEventListener('close', () => sink.event('close'));
  socket.addEventListener('message', (event) => parseFrame(event.data, sink));
  return {
    send: (frame) => socket.send(JSON.stringify(frame)),
    isOpen: () => socket.readyState === WebSocket.OPEN,
  };
});
