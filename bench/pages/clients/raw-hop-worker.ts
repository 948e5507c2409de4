/**
 * The raw hop: a SharedWorker with no socket that only posts to its tabs' ports, in the
 * shape tabsocket's worker uses (`{ tabsocket: { kind: 'frame', name, data } }`, a fresh
 * object per frame, one postMessage per frame per tab). The floor for the worker → tab hop.
 */
import type { RttFrame } from '../api';

export type RawHopCommand = { hello: true } | { blast: number } | RttFrame;

const ports: MessagePort[] = [];

function post(data: unknown): void {
  for (const port of ports) port.postMessage({ tabsocket: { kind: 'frame', name: 'bench', data } });
}

function handle(port: MessagePort, command: RawHopCommand): void {
  if ('hello' in command) {
    ports.push(port);
    port.postMessage({ welcome: true });
  } else if ('blast' in command) {
    for (let seq = 0; seq < command.blast; seq++) post({ seq, v: 'tick' });
  } else {
    post({ rtt: command.rtt });
  }
}

const scope = self as unknown as {
  addEventListener(type: 'connect', listener: (event: MessageEvent) => void): void;
};
scope.addEventListener('connect', (event) => {
  const [port] = event.ports;
  if (!port) return;
  port.onmessage = (message: MessageEvent<RawHopCommand>) => handle(port, message.data);
});
