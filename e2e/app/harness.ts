import type {
  ConnectionSnapshot,
  ConnectionState,
  ConnectOptions,
  SendData,
  StateDetail,
} from 'tabsocket';

/** What e2e/app/main.ts puts on `window` for the tests. */
export interface Harness {
  states: Array<{ state: ConnectionState; detail: StateDetail; at: number }>;
  messages: unknown[];
  errors: Array<{ code: string; message: string }>;
  /** How many `resync` events the tab saw. */
  resyncs: number;
  /** For each `resync` event, how many messages the tab had got before it. */
  resyncedAt: number[];
  /** Every `builds` event: the worker script URLs of the hubs sharing the connection. */
  builds: string[][];
  open(options: ConnectOptions): void;
  /**
   * open() with a url function that fetches a token from `${tokenServer}/token?from=FROM`
   * before each attempt and gives `ws://…/ws?token=TOKEN` (e2e/support/token-server.ts).
   */
  openWithTokens(options: Omit<ConnectOptions, 'url'>, tokenServer: string, from: string): void;
  /** connect() that reports the error it throws instead of throwing. */
  tryConnect(options: unknown): { name: string; code: string; message: string } | null;
  /** Per topic subscribed with `subscribe`, the frames its listener got. */
  topics: Record<string, unknown[]>;
  /** subscribe() that reports the error it throws instead of throwing. */
  subscribe(topic: string): { name: string; code: string; message: string } | null;
  /** Calls the unsubscribe function `subscribe(topic)` returned. */
  unsubscribe(topic: string): void;
  /**
   * The re-login of the blog posts, without `await`: `close()` on the current handle, then
   * `open(options)` in the same tick. The old handle's listeners stay where they are.
   */
  relogin(options: ConnectOptions): void;
  state(): ConnectionState;
  tabId(): string;
  send(data: SendData): Promise<void>;
  close(code?: number, reason?: string): Promise<void>;
  release(): Promise<void>;
  inspect(): Promise<ConnectionSnapshot | undefined>;
}

declare global {
  interface Window {
    harness: Harness;
  }
}
