import type { RawData } from 'ws';
import { parseJson } from '../../protocol/heartbeat-frame';
import { passedOnBefore, type TakenId } from '../sessions/message-receipt';
import type { Session, SessionRegistry } from '../sessions/session-registry';
import { isPromise, type MaybePromise } from '../stores/maybe-promise';
import {
  CLOSE_TRY_AGAIN_LATER,
  type ConnectedClient,
  type TabSocketClient,
  type TrafficCounters,
} from './connected-client';
import { encodeControlFrame } from './control-frame';
import type { HeartbeatAnswers } from './heartbeat-answers';
import { classifySessionFrame, readResume } from './inbound-frame';
import { answerResume } from './resume-handshake';

/**
 * Without `authenticate`, a session id shorter than this is refused: it is the session's only
 * credential (a worker's has 32 hex digits).
 */
const MIN_ANONYMOUS_SESSION_ID = 16;

/** The close after a worker's `end`: its login is over, nothing follows. */
const CLOSE_NORMAL = 1000;

/** Frames of one socket that may wait for a slow session store before it is closed (1013). */
export const MAX_WAITING_FRAMES = 1_000;

export interface FrameHandlerContext {
  readonly counters: TrafficCounters;
  readonly heartbeat: HeartbeatAnswers;
  readonly sessions: SessionRegistry;
  /** With `authenticate`, sessions are found by user and id; without, by id alone. */
  readonly authenticated: boolean;
  /**
   * Whether the app still takes the worker's messages: not once the server closed (a message
   * a slow store answers after it is left to the worker's resend on its next socket).
   */
  takesMessages(): boolean;
  /** A frame for the app: `data` is its JSON value (or text, or bytes); `text` null if binary. */
  emitMessage(client: TabSocketClient, data: unknown, text: string | null): void;
  /** A frame could not be handled: its session's store failed (the frame is not acknowledged). */
  reportError(error: unknown): void;
}

/**
 * Every frame a socket sends, by the socket's phase (see `Phase` in connected-client.ts):
 *
 * - `awaiting`: a `resume` with the hello's nonce starts the resume handshake; anything
 *   else makes the socket plain, and is then read as a plain client's frame.
 * - `session`: the worker's `sub`, `msg` and `end` control frames, its heartbeat, or raw
 *   text that is the app's; a control frame it cannot read is refused with an error frame.
 * - `plain`: heartbeats are answered, every other frame is the app's, even one that looks
 *   like a control frame.
 */
export class FrameHandler {
  readonly #context: FrameHandlerContext;
  readonly #minSessionId: number;

  constructor(context: FrameHandlerContext) {
    this.#context = context;
    this.#minSessionId = context.authenticated ? 1 : MIN_ANONYMOUS_SESSION_ID;
  }

  /**
   * Frames are handled in the order they come: while one waits for a remote store (a resume
   * reading the log, a message id checked against the session's) the next ones wait too,
   * heartbeats aside.
   */
  handle(client: ConnectedClient, raw: RawData, isBinary: boolean): void {
    const context = this.#context;
    context.counters.framesIn += 1;
    // A heartbeat does not wait: a store that is slow to answer (Redis reconnecting) must
    // not make the worker take a live socket for a dead one.
    if (!client.inbound.idle && !isBinary && client.isOpen) {
      const text = rawDataToText(raw);
      if (context.heartbeat.isPing(text, parseJson(text))) {
        context.heartbeat.answer(client);
        return;
      }
    }
    // While the store is slow (Redis reconnecting), a client's frames wait in memory: a
    // client that goes on sending that long is told to come back later.
    if (client.inbound.pending >= MAX_WAITING_FRAMES) {
      client.shut(CLOSE_TRY_AGAIN_LATER, 'Too many frames waiting for the session store');
      return;
    }
    const handled = client.inbound.run(() => this.#handle(client, raw, isBinary));
    if (isPromise(handled)) handled.catch(context.reportError);
  }

  #handle(client: ConnectedClient, raw: RawData, isBinary: boolean): MaybePromise<void> {
    const context = this.#context;
    // Closing (refused too often, its buffer full, a message not recorded): nothing more is
    // read into the app. A logout's `end` behind it still ends the session: the worker,
    // logged out, does not come back to say it again (its unacknowledged sends are rejected
    // as perhaps delivered, and the session that could deliver them is gone with it).
    if (!client.isOpen) {
      if (!isBinary) this.#endIfAsked(client, raw);
      return;
    }
    if (isBinary) {
      // Binary frames are the app's in every phase; before a resume, they make it plain.
      client.settlePlain();
      context.emitMessage(client, raw, null);
      return;
    }
    const text = rawDataToText(raw);
    const parsed = parseJson(text);
    const { phase } = client;
    if (phase.kind === 'awaiting') {
      const resume = readResume(parsed, phase.nonce, this.#minSessionId);
      if (resume) return answerResume(client, phase.nonce, resume, context.sessions);
      // A worker answers hello with resume: anything else is a plain client speaking.
      client.settlePlain();
    } else if (phase.kind === 'session') {
      return this.#handleSessionFrame(client, phase.session, text, parsed);
    }
    this.#handleAppFrame(client, text, parsed);
  }

  /** Where the worker speaks: `sub`, `msg`, the heartbeat; its raw text is the app's. */
  #handleSessionFrame(
    client: ConnectedClient,
    session: Session,
    text: string,
    parsed: unknown,
  ): MaybePromise<void> {
    const frame = classifySessionFrame(text, parsed);
    switch (frame.kind) {
      case 'subscribe':
        // Each `sub` carries the whole set, so a lost or reordered one cannot leave stale topics.
        this.#context.sessions.subscribe(session, new Set(frame.frame.topics));
        return;
      case 'message': {
        // A numbered message: passed on once, acknowledged every time (a resend lost its ack).
        // Recorded before it is passed on: a store that fails leaves it unacknowledged, and
        // ends the socket (the worker resends what is unacknowledged on its next one only).
        // The app gets the message's own text, never the frame around it. With `was`, the
        // copies written under other sessions of the login count too (`passedOnBefore`).
        const { id, data, text: message, was = [] } = frame;
        const { sessions } = this.#context;
        const reportError = (error: unknown) => this.#context.reportError(error);
        // The ids the checks of `was` took, under the keys they asked, for `passed`.
        const taken: TakenId[] = [];
        const deliver = (seen: boolean) => {
          // Neither passed on nor let go: what the store took stays held for the resend.
          if (!this.#context.takesMessages()) return;
          try {
            if (!seen) this.#context.emitMessage(client, data, message);
          } finally {
            // Only now: a shared store holds the id for this process until the app has it
            // (an app whose handler throws had it too).
            sessions.receipts.passed(session, id, taken, reportError);
          }
          client.sendText(encodeControlFrame({ $ts: 'ack', id }));
        };
        const failed = (error: unknown) => {
          // The server closed: its store ends what waits (the socket is gone already).
          if (!this.#context.takesMessages()) return;
          reportError(error);
          client.shut(CLOSE_TRY_AGAIN_LATER, 'The message could not be recorded');
        };
        const seen = passedOnBefore(sessions.receipts, session, id, was, reportError, taken);
        if (!isPromise(seen)) return deliver(seen);
        return seen.then(deliver, failed);
      }
      case 'end':
        // Read after the messages before it, whose acks went first: the close follows them.
        this.#context.sessions.end(session, client);
        client.shut(CLOSE_NORMAL, 'Session ended');
        return;
      case 'refused':
        client.refuse(frame.code, frame.message, undefined, frame.about);
        return;
      case 'app':
        this.#handleAppFrame(client, text, parsed);
        return;
    }
  }

  /** The session's `end`, read from a socket that is closing already. */
  #endIfAsked(client: ConnectedClient, raw: RawData): void {
    const { phase } = client;
    if (phase.kind !== 'session') return;
    const text = rawDataToText(raw);
    if (classifySessionFrame(text, parseJson(text)).kind === 'end') {
      this.#context.sessions.end(phase.session, client);
    }
  }

  /** A heartbeat, or the app's: a text frame as its JSON value, or its text. */
  #handleAppFrame(client: ConnectedClient, text: string, parsed: unknown): void {
    const { heartbeat } = this.#context;
    if (heartbeat.isPing(text, parsed)) heartbeat.answer(client);
    else this.#context.emitMessage(client, parsed === undefined ? text : parsed, text);
  }
}

function rawDataToText(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  // Fragments or an ArrayBuffer, when an attached server's sockets use another binaryType.
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw).toString('utf8');
}
