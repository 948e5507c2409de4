/** Per-tab partysocket, as an app would set it up: its defaults plus the app's heartbeat. */
import ReconnectingWebSocket from 'partysocket/ws';
import { addHeartbeat } from './app-heartbeat';

export function createPartySocket(
  url: string,
  heartbeat: { interval: number; timeout: number },
  dead: () => void,
): ReconnectingWebSocket {
  const socket = new ReconnectingWebSocket(url);
  addHeartbeat(socket, heartbeat, dead);
  return socket;
}
