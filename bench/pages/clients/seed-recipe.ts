/**
 * The per-tab recipe tabsocket replaces, written from its usual description in blog posts:
 * a `heartCheck` object with an interval timer and a timeout timer, a `lockReconnect` flag,
 * and `onclose → reconnect()` after 4 s. Its faults are kept on purpose (see DESIGN.md):
 * this is the baseline, not code to copy. The only additions are the `hooks`, so the bench
 * sees what the app would see.
 */

export interface SeedHooks {
  /** An inbound frame, as `event.data`. */
  message(data: unknown): void;
  open(): void;
  close(): void;
  /** The heartbeat gave up on the socket and called `ws.close()`. */
  dead(): void;
}

export interface SeedSocket {
  send(text: string): void;
  isOpen(): boolean;
}

const RECONNECT_DELAY = 4000;

export function createSeedSocket(
  url: string,
  heartbeat: { interval: number; timeout: number },
  hooks: SeedHooks,
): SeedSocket {
  let ws: WebSocket | undefined;
  let lockReconnect = false;

  const heartCheck = {
    interval: heartbeat.interval,
    timeout: heartbeat.timeout,
    timeoutObj: undefined as ReturnType<typeof setTimeout> | undefined,
    serverTimeoutObj: undefined as ReturnType<typeof setTimeout> | undefined,
    reset() {
      clearTimeout(this.timeoutObj);
      clearTimeout(this.serverTimeoutObj);
      return this;
    },
    start() {
      this.timeoutObj = setTimeout(() => {
        ws?.send('ping');
        this.serverTimeoutObj = setTimeout(() => {
          hooks.dead();
          // The recipe relies on onclose → reconnect(); on a half-open socket that close
          // event can take a long time to come.
          ws?.close();
        }, this.timeout);
      }, this.interval);
    },
  };

  function reconnect(): void {
    if (lockReconnect) return;
    lockReconnect = true;
    setTimeout(() => {
      createWebSocket();
      lockReconnect = false;
    }, RECONNECT_DELAY);
  }

  function createWebSocket(): void {
    try {
      ws = new WebSocket(url);
      initEventHandle(ws);
    } catch {
      reconnect();
    }
  }

  function initEventHandle(socket: WebSocket): void {
    socket.onclose = () => {
      hooks.close();
      reconnect();
    };
    socket.onerror = () => reconnect();
    socket.onopen = () => {
      heartCheck.reset().start();
      hooks.open();
    };
    socket.onmessage = (event: MessageEvent) => {
      heartCheck.reset().start();
      hooks.message(event.data);
    };
  }

  createWebSocket();
  return {
    send: (text) => ws?.send(text),
    isOpen: () => ws?.readyState === WebSocket.OPEN,
  };
}
