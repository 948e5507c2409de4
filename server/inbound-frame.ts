import { type HeartbeatFrame, matchesHeartbeatFrame, parseJson } from '../worker/heartbeat-frame';
import type { SubscribeFrame } from '../worker/wire';

/** Stable reasons the server gives in an error frame. */
export type RefusalCode = 'malformed' | 'unknown-kind';

/** What the server makes of one text frame from a client. */
export type InboundFrame =
  | { kind: 'heartbeat' }
  | { kind: 'subscribe'; frame: SubscribeFrame }
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
  const kind = frame.$ts;
  if (typeof kind !== 'string') {
    return { kind: 'refused', code: 'malformed', message: 'Control frame "$ts" must be a string' };
  }
  if (kind !== 'sub') {
    return {
      kind: 'refused',
      code: 'unknown-kind',
      message: `Unknown control frame kind ${JSON.stringify(kind)}; a client may send: "sub"`,
    };
  }
  const { topics } = frame;
  if (!Array.isArray(topics) || !topics.every((topic) => typeof topic === 'string')) {
    return {
      kind: 'refused',
      code: 'malformed',
      message: 'Control frame "sub" needs "topics": an array of strings',
    };
  }
  return { kind: 'subscribe', frame: { $ts: 'sub', topics } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
