import { type Clock, Timer } from '../../protocol/clock';
import type { HeartbeatOptions } from '../../protocol/connection-options';
import { encodeHeartbeatFrame, matchesHeartbeatFrame } from '../../protocol/heartbeat-frame';

/**
 * Keeps one open socket honest. A ping goes out every `interval`; any inbound frame counts
 * as life and moves the deadline to `interval + timeout` after it. When the deadline
 * passes the socket is declared dead: a half-open socket (peer gone without a FIN) never
 * closes by itself, so waiting for its `close` event would wait forever.
 *
 * Both timers check the clock when they fire: after a suspended laptop wakes, a late ping
 * tick finds the deadline long gone and reports death instead of sending into a dead socket.
 */
export class Heartbeat {
  readonly #pingTimer: Timer;
  readonly #deadlineTimer: Timer;
  #lastFrameAt = 0;
  readonly #pingText: string;

  constructor(
    private readonly options: Required<HeartbeatOptions>,
    private readonly clock: Clock,
    private readonly sendPing: (frame: string) => void,
    private readonly onDead: () => void,
  ) {
    this.#pingTimer = new Timer(clock);
    this.#deadlineTimer = new Timer(clock);
    this.#pingText = encodeHeartbeatFrame(options.ping);
  }

  start(): void {
    this.#lastFrameAt = this.clock.now();
    this.#armDeadline(this.#lifespan());
    this.#schedulePing();
  }

  stop(): void {
    this.#pingTimer.clear();
    this.#deadlineTimer.clear();
  }

  /**
   * Only notes the time: at thousands of frames a second, re-arming a timer per frame would
   * cost more than the frames. The deadline timer, when it fires, looks at this time and
   * waits again for what is left.
   */
  frameReceived(): void {
    this.#lastFrameAt = this.clock.now();
  }

  /** Whether an inbound frame is the server's answer to our ping (and so not for the tabs). */
  isPong(text: string, parsed?: unknown): boolean {
    return matchesHeartbeatFrame(this.options.pong, text, parsed);
  }

  #lifespan(): number {
    return this.options.interval + this.options.timeout;
  }

  #armDeadline(ms: number): void {
    this.#deadlineTimer.start(ms, () => {
      const left = this.#lastFrameAt + this.#lifespan() - this.clock.now();
      if (left > 0) {
        this.#armDeadline(left);
        return;
      }
      this.stop();
      this.onDead();
    });
  }

  #schedulePing(): void {
    this.#pingTimer.start(this.options.interval, () => {
      if (this.clock.now() - this.#lastFrameAt >= this.#lifespan()) {
        this.stop();
        this.onDead();
        return;
      }
      this.sendPing(this.#pingText);
      this.#schedulePing();
    });
  }
}
