import { type HeartbeatFrame, matchesHeartbeatFrame, parseJson } from '../worker/heartbeat-frame';
import type { ResumeFrame, SubscribeFrame } from '../worker/wire';

/** Stable reasons the server gives in an error frame. */
export type RefusalCode = 'malformed' | 'unknown-kind';

/** What the server makes of one text frame from a client. */
export type InboundFrame =
  | { kind: 'heartbeat' }
  | { kind: 'subscribe'; frame: SubscribeFrame }
  | { kind: 'resume'; frame: ResumeFrame }
  /** A numbered application message; `data` as for `app`. */
  | { kind: 'message'; id: number; data: unknown; text: string }
  | { kind: 'refused'; code: RefusalCode; message: string }
  /** `data` is the frame's JSON value, or its text when it is not JSON. */
  | { kind: 'app'; data: unknown };

/**
 * A frame that opens like a control frame. Text that is not JSON is the app's business,
 * unless it says it is ours: then not parsing is the client's bug, worth an error frame.
 */
const CONTROL_FRAME_START = /^\s*\{\s*"\$ts"\s*:/;

/** Sorts a text frame; `ping` is the heartbeat to answer, undefined when the app handles it. */
export function classifyInboundFrame(text: string, ping: HeartbeatFrame | undefined): InboundFrame {
  const parsed = parseJson(text);
  if (ping !== undefined && matchesHeartbeatFrame(ping, text, parsed)) return { kind: 'heartbeat' };

  if (isPlainObject(parsed) && Object.hasOwn(parsed, '$ts')) return classifyControlFrame(parsed);
  if (parsed === undefined && CONTROL_FRAME_START.test(text)) {
    return { kind: 'refused', code: 'malformed', message: 'Control frame is not valid JSON' };
  }
  return { kind: 'app', data: parsed === undefined ? text : parsed };
}

function classifyControlFrame(frame: Record<string, unknown>): InboundFrame {
  switch (frame.$ts) {
    case 'sub': {
      const { topics } = frame;
      if (!Array.isArray(topics) || !topics.every((topic) => typeof topic === 'string')) {
        return malformed('Control frame "sub" needs "topics": an array of strings');
      }
      return { kind: 'subscribe', frame: { $ts: 'sub', topics } };
    }
    case 'resume': {
      const { session, last } = frame;
      if (typeof session !== 'string' || session === '' || session.length > MAX_SESSION_ID) {
        return malformed(
          `Control frame "resume" needs "session": 1 to ${MAX_SESSION_ID} characters`,
        );
      }
      if (!isCount(last)) return malformed('Control frame "resume" needs "last": an integer >= 0');
      return { kind: 'resume', frame: { $ts: 'resume', session, last } };
    }
    case 'msg': {
      const { id, text } = frame;
      if (!isCount(id) || id === 0)
        return malformed('Control frame "msg" needs "id": an integer >= 1');
      if (typeof text !== 'string') return malformed('Control frame "msg" needs "text": a string');
      const parsed = parseJson(text);
      return { kind: 'message', id, data: parsed === undefined ? text : parsed, text };
    }
    default:
      return typeof frame.$ts === 'string'
        ? {
            kind: 'refused',
            code: 'unknown-kind',
            message: `Unknown control frame kind ${JSON.stringify(frame.$ts)}; a client may send: "resume", "sub", "msg"`,
          }
        : malformed('Control frame "$ts" must be a string');
  }
}

/** Longer ids are refused: each session is kept in memory for a while. */
const MAX_SESSION_ID = 128;

function malformed(message: string): InboundFrame {
  return { kind: 'refused', code: 'malformed', message };
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
