import { DEFAULT_LIMITS } from '../../protocol/connection-options';
import type {
  ErrorFrame,
  MessageOrigin,
  SubscribeFrame,
  WireErrorCode,
  WireLimits,
} from '../../protocol/wire';
import {
  isMessageOrigin,
  isWireNumber,
  MAX_ALSO,
  MAX_SESSION_ID,
} from '../../protocol/wire-checks';

/** A `resume` that carried this socket's nonce. */
export type ResumeRequest =
  /** `last` is undefined when it is not a push number: the worker must resync. */
  | { kind: 'resume'; session: string; last: number | undefined; held: boolean }
  | { kind: 'invalid'; message: string };

/** What the server makes of one text frame from a worker's session socket. */
export type SessionFrame =
  | { kind: 'subscribe'; frame: SubscribeFrame }
  /**
   * A numbered application message; `data` is its text's JSON value, or the text. `was`:
   * where it was written before, first to last (`MessageFrame`'s `was`, then its `also`).
   */
  | { kind: 'message'; id: number; data: unknown; text: string; was?: MessageOrigin[] }
  /** `about` names the refused `sub` or `msg` (and its id), so that the worker tells the tab that sent it. */
  | {
      kind: 'refused';
      code: WireErrorCode;
      message: string;
      about?: Pick<ErrorFrame, 'refused' | 'id'>;
    }
  /** The worker's logout (`EndFrame`): the session ends. */
  | { kind: 'end' }
  /** A frame without `$ts`: the app's. */
  | { kind: 'app' };

/**
 * A `sub` may name this many topics, each this long: a session keeps them between sockets.
 * The worker's defaults are these, for a server that does not say them.
 */
export const MAX_TOPICS = DEFAULT_LIMITS.maxTopics;
export const MAX_TOPIC_LENGTH = DEFAULT_LIMITS.maxTopicLength;

/** What `hello` tells the worker this server takes (`maxPayload` is the WebSocket server's). */
export function wireLimits(maxPayload: number): Required<WireLimits> {
  return { maxPayload, maxTopics: MAX_TOPICS, maxTopicLength: MAX_TOPIC_LENGTH };
}

/**
 * A frame that opens like a control frame. Text that is not JSON is the app's business,
 * unless it says it is ours: then not parsing is the client's bug, worth an error frame.
 */
const CONTROL_FRAME_START = /^\s*\{\s*"\$ts"\s*:/;

/**
 * Reads the first frame of a socket that was sent `hello`: a `resume` counts only with the
 * hello's `nonce`, which a plain client cannot know; anything else answers undefined (the
 * socket is plain). `minSessionLength` guards sessions found by their id alone.
 */
export function readResume(
  parsed: unknown,
  nonce: string,
  minSessionLength: number,
): ResumeRequest | undefined {
  if (!isPlainObject(parsed) || parsed.$ts !== 'resume' || parsed.nonce !== nonce) return undefined;
  const { session, last, held } = parsed;
  if (
    typeof session !== 'string' ||
    session.length < Math.max(1, minSessionLength) ||
    session.length > MAX_SESSION_ID
  ) {
    return {
      kind: 'invalid',
      message: `Control frame "resume" needs "session": ${Math.max(1, minSessionLength)} to ${MAX_SESSION_ID} characters`,
    };
  }
  return {
    kind: 'resume',
    session,
    last: isWireNumber(last) ? last : undefined,
    held: held === true,
  };
}

/**
 * Sorts a text frame of a socket attached to a session: the worker sends `sub` and `msg`
 * there, its application data only inside `msg`. `parsed` is the text's JSON value, or
 * undefined when it is not JSON.
 */
export function classifySessionFrame(text: string, parsed: unknown): SessionFrame {
  if (isPlainObject(parsed) && Object.hasOwn(parsed, '$ts')) return classifyControlFrame(parsed);
  if (parsed === undefined && CONTROL_FRAME_START.test(text)) {
    return malformed('Control frame is not valid JSON');
  }
  return { kind: 'app' };
}

function classifyControlFrame(frame: Record<string, unknown>): SessionFrame {
  switch (frame.$ts) {
    case 'sub': {
      const { topics } = frame;
      const problem = `Control frame "sub" needs "topics": an array of at most ${MAX_TOPICS} strings of at most ${MAX_TOPIC_LENGTH} characters`;
      if (!Array.isArray(topics) || !topics.every((topic) => typeof topic === 'string')) {
        return malformed(problem, { refused: 'sub' });
      }
      if (
        topics.length > MAX_TOPICS ||
        !topics.every((topic) => topic.length <= MAX_TOPIC_LENGTH)
      ) {
        return { kind: 'refused', code: 'too-large', message: problem, about: { refused: 'sub' } };
      }
      return { kind: 'subscribe', frame: { $ts: 'sub', topics } };
    }
    case 'msg': {
      const { id, text } = frame;
      if (!isWireNumber(id) || id === 0) {
        return malformed('Control frame "msg" needs "id": a safe integer >= 1', { refused: 'msg' });
      }
      if (typeof text !== 'string') {
        return malformed('Control frame "msg" needs "text": a string', { refused: 'msg', id });
      }
      const message: SessionFrame = { kind: 'message', id, data: parseJsonOr(text), text };
      if (frame.was === undefined && frame.also === undefined) return message;
      const was = readOrigin(frame.was);
      if (!was) {
        return malformed(
          `Control frame "msg" "was" needs "session": 1 to ${MAX_SESSION_ID} characters, and "id": a safe integer >= 1`,
          { refused: 'msg', id },
        );
      }
      if (frame.also === undefined) return { ...message, was: [was] };
      const also = Array.isArray(frame.also) ? frame.also.map(readOrigin) : [undefined];
      if (also.length > MAX_ALSO || !also.every((origin) => origin !== undefined)) {
        return malformed(
          `Control frame "msg" "also" needs at most ${MAX_ALSO} of what "was" needs, with "was"`,
          { refused: 'msg', id },
        );
      }
      return { ...message, was: [was, ...also] };
    }
    case 'end':
      return { kind: 'end' };
    case 'resume':
      return {
        kind: 'refused',
        code: 'unexpected',
        message: 'Control frame "resume" comes once per socket, as its first frame',
      };
    default:
      return typeof frame.$ts === 'string'
        ? {
            kind: 'refused',
            code: 'unknown-kind',
            message: `Unknown control frame kind ${JSON.stringify(frame.$ts.slice(0, 32))}; a client may send: "resume", "sub", "msg", "end"`,
          }
        : malformed('Control frame "$ts" must be a string');
  }
}

/** A `msg`'s `was`, or undefined when it is not one. */
function readOrigin(was: unknown): MessageOrigin | undefined {
  return isMessageOrigin(was) ? { session: was.session, id: was.id } : undefined;
}

/** The JSON value of `text`, or `text` itself when it is not JSON. */
export function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function malformed(message: string, about?: Pick<ErrorFrame, 'refused' | 'id'>): SessionFrame {
  return { kind: 'refused', code: 'malformed', message, ...(about ? { about } : {}) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
