import type { TabFrame } from '../../protocol/tab-hub';
import type { PushFrame } from '../../protocol/wire';
import { isSessionId, isWireNumber } from '../../protocol/wire-checks';

export type { TabFrame };

/** How the tabs want text frames: parsed JSON values, or the text itself. */
export interface FrameFormat {
  format: 'json' | 'text';
  topicKey: string;
}

/**
 * A text frame for the tabs. `parsed` is its JSON value, undefined when it is not JSON:
 * in 'json' format that frame is malformed, and still delivered, as its text.
 */
export function decodeText(
  text: string,
  parsed: unknown,
  { format, topicKey }: FrameFormat,
): { frame: TabFrame; malformed: boolean } {
  if (format === 'json' && parsed === undefined) return { frame: { data: text }, malformed: true };
  return {
    frame: withTopic(format === 'json' ? parsed : text, parsed, topicKey),
    malformed: false,
  };
}

/** A push's JSON value for the tabs: as is, or as JSON text in 'text' format. */
export function decodeValue(value: unknown, { format, topicKey }: FrameFormat): TabFrame {
  return withTopic(format === 'json' ? value : JSON.stringify(value), value, topicKey);
}

/**
 * How the current socket talks. Every socket starts `negotiating`, unless this server
 * already showed it is plain: its first frame tells, `hello` for a server that speaks the
 * tabsocket protocol (`resuming` until the session is attached, then `tabsocket`), anything
 * else, or silence, for a plain one.
 */
export type WirePhase = 'negotiating' | 'resuming' | 'tabsocket' | 'plain';

/** What a text frame from the server means in the socket's phase (see `wire.ts`). */
export type ServerFrameVerdict =
  /** `limits`: what the hello said of them, unchecked (see `limitsFromHello`). */
  | { kind: 'hello'; nonce: string; limits: unknown }
  /** A hello after the socket settled as plain: never delivered (see `WireLink`). */
  | { kind: 'late-hello'; nonce: string; limits: unknown }
  /** `lastId`: the highest message id the session passed on (0: none, or not told); `seq`: its last push. */
  | { kind: 'resumed'; lastId: number; seq: number }
  /** With `session`: the server no longer had ours, the stream goes on under that id. */
  | { kind: 'resync'; seq: number; session?: string; lastId: number; whole?: boolean }
  /** The server cannot take the session (`invalid-session`): start a fresh one. */
  | { kind: 'resume-refused' }
  | { kind: 'push'; frame: PushFrame }
  | { kind: 'ack'; id: number }
  /** The server refused our `sub`, or our `msg` number `id` (when it could read it). */
  | { kind: 'refused'; frame: 'sub' | 'msg'; code: string; message: string; id?: number }
  /** The application's: deliver it to the tabs. */
  | { kind: 'app' }
  /** Neither ours in this phase nor the application's: dropped. */
  | { kind: 'drop' };

// The verdicts without a payload are shared: one is read per inbound frame, at up to tens of
// thousands a second, and the push path should not allocate for them.
const APP: ServerFrameVerdict = { kind: 'app' };
const DROP: ServerFrameVerdict = { kind: 'drop' };
const RESUME_REFUSED: ServerFrameVerdict = { kind: 'resume-refused' };

/** Hello nonces shorter than this are refused: a guessable nonce would let app data pass for an answer. */
const MIN_NONCE_LENGTH = 16;

/**
 * Reads one text frame (already parsed: `parsed` is undefined when it is not JSON) in the
 * socket's phase. Each phase admits only its own kinds, and the frames that change the
 * phase must carry the socket's `nonce`, so no application payload, however it is made,
 * can pass for a control frame of ours.
 */
export function readServerFrame(
  parsed: unknown,
  phase: WirePhase,
  nonce: string,
): ServerFrameVerdict {
  const frame = objectWithKind(parsed);
  switch (phase) {
    case 'negotiating':
      return frame && isHello(frame)
        ? { kind: 'hello', nonce: frame.nonce, limits: frame.limits }
        : APP;
    case 'plain':
      return frame && isHello(frame)
        ? { kind: 'late-hello', nonce: frame.nonce, limits: frame.limits }
        : APP;
    case 'resuming':
      return frame && frame.nonce === nonce ? readResumeAnswer(frame) : DROP;
    case 'tabsocket':
      return frame ? readStreamFrame(frame) : APP;
  }
}

type KindedObject = Record<string, unknown> & { $ts: string };

function objectWithKind(parsed: unknown): KindedObject | undefined {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  return typeof (parsed as { $ts?: unknown }).$ts === 'string'
    ? (parsed as KindedObject)
    : undefined;
}

function isHello(frame: KindedObject): frame is KindedObject & { nonce: string } {
  return (
    frame.$ts === 'hello' &&
    typeof frame.v === 'number' &&
    typeof frame.nonce === 'string' &&
    frame.nonce.length >= MIN_NONCE_LENGTH
  );
}

function readResumeAnswer(frame: KindedObject): ServerFrameVerdict {
  switch (frame.$ts) {
    case 'resumed': {
      const lastId = lastIdOf(frame);
      return isWireNumber(frame.seq) && lastId !== undefined
        ? { kind: 'resumed', lastId, seq: frame.seq }
        : DROP;
    }
    case 'resync': {
      const lastId = lastIdOf(frame);
      if (!isWireNumber(frame.seq) || lastId === undefined) return DROP;
      if (frame.session === undefined) return { kind: 'resync', seq: frame.seq, lastId };
      // A new session's ids start from 1: no id of the old one counts there.
      return isSessionId(frame.session)
        ? {
            kind: 'resync',
            seq: frame.seq,
            session: frame.session,
            lastId: 0,
            whole: frame.whole === true,
          }
        : DROP;
    }
    case 'error':
      // Only a session the server cannot take ends it. Any other refusal (`overloaded`: a
      // store that failed to read) leaves the session whole: the server's close, or the
      // handshake's timeout, fails this attempt and the next socket resumes it.
      return frame.code === 'invalid-session' ? RESUME_REFUSED : DROP;
    default:
      return DROP;
  }
}

/** A resume answer's `lastId`: 0 when left out (a server of an earlier build); undefined when not a number. */
function lastIdOf(frame: KindedObject): number | undefined {
  if (frame.lastId === undefined) return 0;
  return isWireNumber(frame.lastId) ? frame.lastId : undefined;
}

function readStreamFrame(frame: KindedObject): ServerFrameVerdict {
  switch (frame.$ts) {
    case 'push': {
      const hasPayload = typeof frame.text === 'string' || 'data' in frame;
      return isWireNumber(frame.seq) && frame.seq > 0 && hasPayload
        ? { kind: 'push', frame: frame as unknown as PushFrame }
        : DROP;
    }
    case 'ack':
      return isWireNumber(frame.id) && frame.id > 0 ? { kind: 'ack', id: frame.id } : DROP;
    case 'error':
      return readRefusal(frame);
    default:
      // Kinds of later versions: not for the tabs.
      return DROP;
  }
}

/**
 * An error frame names the `sub` or `msg` it refused (a server of an older build does not):
 * the worker tells the tabs, and sends neither again. Any other is dropped.
 */
function readRefusal(frame: KindedObject): ServerFrameVerdict {
  const { refused, id } = frame;
  if (refused !== 'sub' && refused !== 'msg') return DROP;
  const code = typeof frame.code === 'string' ? frame.code.slice(0, 32) : 'unknown';
  const message = typeof frame.message === 'string' ? frame.message.slice(0, 500) : '';
  const refusal = { kind: 'refused', frame: refused, code, message } as const;
  return isWireNumber(id) && id > 0 ? { ...refusal, id } : refusal;
}

function withTopic(data: unknown, parsed: unknown, topicKey: string): TabFrame {
  if (typeof parsed !== 'object' || parsed === null) return { data };
  const topic = (parsed as Record<string, unknown>)[topicKey];
  return typeof topic === 'string' ? { data, topic } : { data };
}
