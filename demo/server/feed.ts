import { randomUUID } from 'node:crypto';
import type { TabSocketClient } from 'tabsocket/server';
import type { NoticePush, NumberedPush } from '../api';
import { parseChatRequest } from './chat-request';
import type { SocketHost } from './socket-host';

const CLOCK_INTERVAL_MS = 1000;
/** Pushes held during a silence; a 30 s silence of a busy chat must not grow without bound. */
const MAX_HELD = 100;

/** A push before the feed numbers it (Omit spread over each member of the union). */
type Unnumbered = NumberedPush extends infer Push
  ? Push extends NumberedPush
    ? Omit<Push, 'seq' | 'boot' | 'at'>
    : never
  : never;

/**
 * What the demo pushes: a clock tick every second, chat lines, and presence changes, each
 * numbered by one process-wide seq so a page can spot a push it got twice.
 *
 * While the host is silent nothing goes out: clock ticks are skipped (a stale tick is
 * worthless) and the rest is held until the silence ends.
 */
export class Feed {
  /** Tells this process's seqs from those of an earlier run of the demo server. */
  readonly boot = randomUUID().slice(0, 8);
  readonly #host: SocketHost;
  readonly #held: Unnumbered[] = [];
  #seq = 0;
  #clockTimer: NodeJS.Timeout | undefined;

  constructor(host: SocketHost) {
    this.#host = host;
    host.on('message', (client, data) => this.#onMessage(client, data));
    host.on('presence', (entry) =>
      this.#push({ topic: 'presence', user: entry.userId, online: entry.online }),
    );
    host.on('silenceEnded', () => {
      for (const push of this.#held.splice(0)) this.#publish(push);
    });
  }

  /** The last seq given out. */
  get pushes(): number {
    return this.#seq;
  }

  /** Starts the clock ticks (one node of a cluster ticks for all). */
  start(): void {
    if (this.#clockTimer) return;
    this.#clockTimer = setInterval(() => {
      if (!this.#host.silent) this.#publish({ topic: 'clock' });
    }, CLOCK_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.#clockTimer);
    this.#clockTimer = undefined;
    this.#held.length = 0;
  }

  #onMessage(client: TabSocketClient, data: unknown): void {
    const chat = parseChatRequest(data);
    if ('refused' in chat) {
      const notice: NoticePush = {
        topic: 'notice',
        text: `Refused: ${chat.refused}`,
        at: Date.now(),
      };
      client.send(notice);
      return;
    }
    this.#push({ topic: 'chat', from: client.userId, text: chat.text });
  }

  #push(push: Unnumbered): void {
    if (!this.#host.silent) {
      this.#publish(push);
      return;
    }
    this.#held.push(push);
    if (this.#held.length > MAX_HELD) this.#held.shift();
  }

  #publish(push: Unnumbered): void {
    this.#seq += 1;
    this.#host.publish(push.topic, { ...push, seq: this.#seq, boot: this.boot, at: Date.now() });
  }
}
