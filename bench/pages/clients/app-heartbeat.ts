/**
 * The heartbeat an app adds to partysocket or reconnecting-websocket, which have none: a
 * ping every `interval`, any inbound frame counts as life, and no frame for
 * `interval + timeout` makes the app call `reconnect()`. Same rule as tabsocket's, so the
 * variants differ by where the heartbeat runs (every tab) and not by what it does.
 */

/** The part of partysocket's and reconnecting-websocket's class the heartbeat uses. */
export interface Reconnecting {
  send(data: string): void;
  reconnect(): void;
  addEventListener(type: 'open' | 'close' | 'message', listener: () => void): void;
}

export function addHeartbeat(
  socket: Reconnecting,
  options: { interval: number; timeout: number },
  dead: () => void,
): void {
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;

  const rearm = () => {
    clearTimeout(deadline);
    deadline = setTimeout(() => {
      stop();
      dead();
      socket.reconnect();
    }, options.interval + options.timeout);
  };
  const stop = () => {
    clearInterval(pingTimer);
    clearTimeout(deadline);
  };

  socket.addEventListener('open', () => {
    stop();
    rearm();
    pingTimer = setInterval(() => socket.send('ping'), options.interval);
  });
  socket.addEventListener('message', rearm);
  socket.addEventListener('close', stop);
}
