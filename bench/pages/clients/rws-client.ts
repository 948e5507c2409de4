/** Per-tab reconnecting-websocket, as an app would set it up: its defaults plus the app's heartbeat. */
import ReconnectingWebSocket from 'reconnecting-websocket';
import { addHeartbeat } from './app-heartbeat';

export function createReconnectingWebSocket(
  url: string,
  heartbeat: { interval: number; timeout: number },
  dead: () => void,
): ReconnectingWebSocket {
  const socket = new ReconnectingWebSocket(url);
  addHeartbeat(socket, heartbeat, dead);
  return socket;
}
