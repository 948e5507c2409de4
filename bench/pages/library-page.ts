/**
 * A page for a per-tab reconnecting-socket library (partysocket, reconnecting-websocket):
 * each tab has its own socket and app heartbeat, and the page wires them to the bench the
 * same way whatever the library.
 */
import type { VariantName } from './api';
import { installBench } from './harness';
import { parseFrame } from './parse-frame';

/** The part of either library's socket the page uses. */
export interface LibrarySocket {
  readonly readyState: number;
  send(data: string): void;
  addEventListener(type: 'open' | 'close', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export function installLibraryPage(
  variant: VariantName,
  create: (
    url: string,
    heartbeat: { interval: number; timeout: number },
    dead: () => void,
  ) => LibrarySocket,
): void {
  installBench(variant, (config, sink) => {
    const socket = create(config.url, config, () => sink.event('dead'));
    socket.addEventListener('open', () => sink.event('open'));
    socket.addEventListener('close', () => sink.event('close'));
    socket.addEventListener('message', (event: MessageEvent) => parseFrame(event.data, sink));
    return {
      send: (frame) => socket.send(JSON.stringify(frame)),
      isOpen: () => socket.readyState === WebSocket.OPEN,
    };
  });
}
