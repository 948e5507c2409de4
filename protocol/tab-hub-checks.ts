/**
 * Checks of the arguments a tab passes to the hub (tab-hub.ts). The hub runs them on what
 * arrives at the port, whatever the tab checked before: a tab of another build, or a script
 * of the page, can post anything there. Each answers the error to send back, or `undefined`.
 */

import { InvalidArgumentError } from './errors';
import type { Interest, InterestDiff, SessionCursor, SocketData, TabSend } from './tab-hub';
import {
  isMessageOrigin,
  isSessionId,
  isWireNumber,
  isWrittenBefore,
  MAX_ALSO,
} from './wire-checks';

/** What `WebSocket.send` takes as it is: text and binary. A revoked Proxy throws here. */
export function isSocketData(data: unknown): data is SocketData {
  return (
    typeof data === 'string' ||
    data instanceof ArrayBuffer ||
    ArrayBuffer.isView(data) ||
    (typeof Blob !== 'undefined' && data instanceof Blob)
  );
}

/**
 * What `WebSocket.send` takes; anything else would throw inside the worker's socket. A
 * buffer transferred away (detached), or a view of one, cannot cross the port: the tab
 * refuses it before it posts, or comlink would reject with a raw `DataCloneError`.
 */
export function checkSocketData(data: unknown): InvalidArgumentError | undefined {
  if (!isSocketData(data)) {
    return new InvalidArgumentError(
      'tabsocket: send() data must reach the worker as a string, an ArrayBuffer, a view of one or a Blob',
    );
  }
  const buffer = data instanceof ArrayBuffer ? data : ArrayBuffer.isView(data) ? data.buffer : null;
  if (!buffer || !isDetached(buffer)) return undefined;
  return new InvalidArgumentError(
    'tabsocket: send() data is a detached ArrayBuffer, or a view of one: it was transferred away',
  );
}

/** Every engine refuses a view of a detached buffer; not every one has `buffer.detached`. */
function isDetached(buffer: ArrayBufferLike): boolean {
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * The whole interest `{ all, topics }` or a diff `{ all, add, remove }`, topics non-empty
 * strings: anything else would break the routing of frames.
 */
export function checkInterest(update: unknown): InvalidArgumentError | undefined {
  const { all, topics, add, remove } = (update ?? {}) as Partial<Interest & InterestDiff>;
  const isUpdate =
    typeof all === 'boolean' &&
    (topics !== undefined
      ? isTopicList(topics) && add === undefined && remove === undefined
      : isTopicList(add) && isTopicList(remove));
  if (isUpdate) return undefined;
  return new InvalidArgumentError(
    'tabsocket: an interest must be { all: boolean, topics } or { all: boolean, add, remove }, of non-empty strings',
  );
}

function isTopicList(topics: unknown): topics is string[] {
  return (
    Array.isArray(topics) && topics.every((topic) => typeof topic === 'string' && topic !== '')
  );
}

const encoder = new TextEncoder();

/** The browser's own rules for `WebSocket.close`, checked first so the error names tabsocket. */
export function checkClose(code: unknown, closeReason: unknown): InvalidArgumentError | undefined {
  if (
    !Number.isInteger(code) ||
    (code !== 1000 && ((code as number) < 3000 || (code as number) > 4999))
  ) {
    return new InvalidArgumentError(
      `tabsocket: close code must be 1000 or in 3000-4999 (got ${String(code)})`,
    );
  }
  if (typeof closeReason !== 'string' || encoder.encode(closeReason).length > 123) {
    return new InvalidArgumentError(
      'tabsocket: close reason must be a string of at most 123 UTF-8 bytes',
    );
  }
  return undefined;
}

/**
 * A session id and two wire numbers: a cursor a hub may resume from. A bad one would put a
 * bad frame on the wire, or number messages the server has passed on already.
 */
export function isSessionCursor(cursor: unknown): cursor is SessionCursor {
  const { session, seq, nextId, epoch, fresh } = (cursor ?? {}) as Partial<SessionCursor>;
  return (
    isSessionId(session) &&
    isWireNumber(seq) &&
    isWireNumber(nextId) &&
    nextId >= 1 &&
    (epoch === undefined || isWireNumber(epoch)) &&
    (fresh === undefined || fresh === true)
  );
}

/**
 * A send's tag (`TabSend`), when there is one: its number, and a message id of a session
 * to write it under again. A bad id would number a message the server has passed on.
 */
export function checkTabSend(tag: unknown): InvalidArgumentError | undefined {
  if (tag === undefined) return undefined;
  const { id, wire } = tag as Partial<TabSend>;
  const before = wire?.before;
  const isTag =
    Number.isSafeInteger(id) &&
    (id as number) >= 1 &&
    (wire === undefined ||
      (isMessageOrigin(wire) && (before === undefined || isWrittenBefore(before))));
  if (isTag) return undefined;
  return new InvalidArgumentError(
    `tabsocket: a send tag must be { id: integer >= 1, wire?: { session, id: integer >= 1, before?: at most ${MAX_ALSO + 1} of { session, id } } }`,
  );
}
