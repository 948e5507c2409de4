import { WebSocket } from 'ws';
import { type Clock, Timer } from '../../protocol/clock';
import type { ErrorFrame, WireErrorCode } from '../../protocol/wire';
import { SerialQueue } from '../sessions/serial-queue';
import type {
  Fanout,
  RememberedFrame,
  SendBudget,
  Session,
  SessionSocket,
} from '../sessions/session';
import {
  encodePayload,
  encodePushData,
  type PushData,
  type PushPayload,
  pushPayload,
} from '../stores/push-payload';
import { encodeControlFrame } from './control-frame';
import type { LivenessTarget } from './liveness';
import { RememberedFrames } from './remembered-frames';
import type { ServerSocket } from './server-socket';

/** One open socket, as the app sees it in events. */
export interface TabSocketClient {
  /** Unique per socket, across processes. */
  readonly id: string;
  /** From `authenticate`; the same for every socket of one user. */
  readonly userId: string;
  /** From `authenticate`, when it named the login (see `Identity`); undefined otherwise. */
  readonly login: string | undefined;
  /** The topics of its worker's last `sub` frame; always empty for a plain client. */
  readonly topics: ReadonlySet<string>;
  /**
   * Sends to this socket only; answers whether it was written (false once closing). To a
   * worker's session it goes as a numbered push, so a reconnect replays it.
   */
  send(data: PushData): boolean;
  /** Closes with a handshake, e.g. `close(4403, 'banned')`. */
  close(code?: number, reason?: string): void;
}

/** Counts shared by every socket of one server. */
export interface TrafficCounters {
  framesIn: number;
  framesOut: number;
  malformedFrames: number;
}

/**
 * What the socket is to the protocol, changed only in `#setPhase`:
 *
 *   awaiting ── resume with the hello's nonce ──> session
 *      └─────── any other frame ───────────────> plain
 *
 * - `awaiting`: `hello` went out, nothing came back. A worker answers with `resume`; a plain
 *   client says anything else. Application frames go out as they are, and are remembered
 *   (up to the replay limits) so that a session the resume attaches gets them numbered.
 * - `session`: a worker's. Application frames go only inside numbered pushes.
 * - `plain`: every frame it sends is the app's, heartbeats aside.
 */
export type Phase =
  | { kind: 'awaiting'; nonce: string; remembered: RememberedFrames }
  | { kind: 'session'; session: Session }
  | { kind: 'plain' };

/** What every socket of one server shares. */
export interface ClientContext {
  readonly clock: Clock;
  readonly counters: TrafficCounters;
  /** Remembered frames of a socket that has not resumed: at most this many, and bytes. */
  readonly rememberLimits: { maxCount: number; maxBytes: number };
  readonly maxBufferedAmount: number;
  /** Refused control frames answered with an error frame; the next one closes with 1008. */
  readonly maxRefusals: number;
  /** Appends to the session's stream and writes it to its socket; answers whether written. */
  push(session: Session, payload: PushPayload): boolean;
}

/** Close codes the worker retries (1013) or gives up on (1008). */
export const CLOSE_TRY_AGAIN_LATER = 1013;
export const CLOSE_POLICY_VIOLATION = 1008;
/** How long a close handshake may take before the socket is dropped. */
const CLOSE_GRACE_MS = 1_000;
/** A plain client's: only a worker's session subscribes. */
const NO_TOPICS: ReadonlySet<string> = new Set();

/**
 * One socket of the server: its phase, its writes under `maxBufferedAmount`, its refused
 * frames, and the one timer it owns, the close deadline, cleared by the socket's `close`.
 */
export class ConnectedClient implements TabSocketClient, LivenessTarget, SessionSocket {
  /** Settles on the socket's `close` event, whatever ended it. */
  readonly closed: Promise<void>;
  /** Its frames, handled in order (see `FrameHandler.handle`). */
  readonly inbound = new SerialQueue();
  #phase: Phase;
  #refusals = 0;
  /** Runs from a close we started until the socket's `close` event, which clears it. */
  readonly #closeDeadline: Timer;
  readonly #socket: ServerSocket;
  readonly #context: ClientContext;

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly login: string | undefined,
    socket: ServerSocket,
    context: ClientContext,
    /** The nonce of the `hello` sent; undefined when none was (every frame is the app's). */
    nonce: string | undefined,
  ) {
    this.#socket = socket;
    this.#context = context;
    this.#closeDeadline = new Timer(context.clock);
    this.#phase =
      nonce === undefined
        ? { kind: 'plain' }
        : { kind: 'awaiting', nonce, remembered: new RememberedFrames(context.rememberLimits) };
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.#closeDeadline.clear();
        resolve();
      }),
    );
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** The session keeps them across sockets (see `SessionRegistry.subscribe`). */
  get topics(): ReadonlySet<string> {
    return this.#phase.kind === 'session' ? this.#phase.session.topics : NO_TOPICS;
  }

  get isOpen(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  /** Frames remembered for a resume to come. */
  get rememberedFrames(): number {
    return this.#phase.kind === 'awaiting' ? this.#phase.remembered.frames.length : 0;
  }

  send(data: PushData): boolean {
    const phase = this.#phase;
    if (phase.kind === 'session') {
      // Never raw to a worker's socket: its peer would take it for a control frame.
      const payload = pushPayload(encodePayload(data));
      return phase.session.socket === this && this.#context.push(phase.session, payload);
    }
    const text = encodePushData(data);
    return this.writeApp(text, () => pushPayload(encodePayload(data)), undefined);
  }

  /**
   * Writes an application frame to a socket without a session; while it may still resume
   * one, remembers it. `payload` is built only then, so a fan-out can share one.
   */
  writeApp(text: string, payload: () => PushPayload, fanout: Fanout | undefined): boolean {
    const written = this.sendText(text);
    if (written && this.#phase.kind === 'awaiting') {
      this.#phase.remembered.add({ payload: payload(), fanout });
    }
    return written;
  }

  /** The frames remembered so far, for a session started under a new id (see `SessionSocket`). */
  handOver(): RememberedFrame[] {
    return this.#phase.kind === 'awaiting' ? this.#phase.remembered.take() : [];
  }

  /** The resume attached `session`: answers what was remembered since `hello`. */
  attach(session: Session): RememberedFrames {
    const remembered =
      this.#phase.kind === 'awaiting'
        ? this.#phase.remembered
        : new RememberedFrames(this.#context.rememberLimits);
    this.#setPhase({ kind: 'session', session });
    return remembered;
  }

  /** It spoke without resuming: a plain client, whose frames are all the app's. */
  settlePlain(): void {
    if (this.#phase.kind === 'awaiting') this.#setPhase({ kind: 'plain' });
  }

  /**
   * Answers a refused control frame with an error frame (with the hello's `nonce` while it
   * may still resume, and naming the refused frame when it is a `sub` or a `msg`); past
   * `maxRefusals`, closes with 1008 instead.
   */
  refuse(
    code: WireErrorCode,
    message: string,
    nonce?: string,
    about: Pick<ErrorFrame, 'refused' | 'id'> = {},
  ): void {
    this.#context.counters.malformedFrames += 1;
    this.#refusals += 1;
    if (this.#refusals > this.#context.maxRefusals) {
      this.shut(CLOSE_POLICY_VIOLATION, 'Too many refused frames');
      return;
    }
    this.sendText(
      encodeControlFrame({
        $ts: 'error',
        code,
        message,
        ...(nonce === undefined ? {} : { nonce }),
        ...about,
      }),
    );
  }

  /**
   * Writes already encoded text, so one push to many sockets is encoded once. A socket that
   * has more than `maxBufferedAmount` waiting already is closed instead: its reader is too
   * slow or gone, and a session replays what it missed on its next socket. The answer to a
   * resume is written whatever is waiting (`budget: 'resume'`): the replay limits bound it,
   * and a cap below them would close every resume of a full session, again and again.
   */
  sendText(text: string, budget: SendBudget = 'live'): boolean {
    if (this.#socket.readyState !== WebSocket.OPEN) return false;
    if (budget === 'live' && this.#socket.bufferedAmount > this.#context.maxBufferedAmount) {
      this.shut(CLOSE_TRY_AGAIN_LATER, 'Send buffer full');
      return false;
    }
    this.#socket.send(text);
    this.#context.counters.framesOut += 1;
    return true;
  }

  close(code?: number, reason?: string): void {
    this.#socket.close(code, reason);
  }

  /**
   * Closes with a handshake, and drops the socket if that does not complete within a
   * second: a peer that does not read would never see the close frame.
   */
  shut(code: number, reason: string): void {
    if (this.#closeDeadline.pending) return;
    this.#socket.close(code, reason);
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    this.#closeDeadline.start(CLOSE_GRACE_MS, () => this.#socket.terminate());
  }

  ping(): void {
    // ws throws on a socket still connecting and reports a closed one to a callback.
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.ping();
  }

  terminate(): void {
    this.#socket.terminate();
  }

  #setPhase(phase: Phase): void {
    this.#phase = phase;
  }
}
