import type { SessionCursor, TabSend, WireId } from '../protocol/tab-hub';
import type { Numbering } from './send-queue';

/** What the hub tells a tab of its send before the write: `wire` when numbered. */
export interface WrittenSend {
  id: number;
  wire?: WireId;
}

/**
 * How the hub writes a tab's send (`TabSend`): under the message id an earlier hub wrote it
 * under, while the connection is on that session, and telling the tab before each write,
 * so that a tab whose worker dies knows what to post to the next one, and under which id.
 */
export function numberingOf(
  tag: TabSend | undefined,
  tabId: string,
  connection: { readonly cursor: SessionCursor | undefined },
  tell: (written: WrittenSend) => void,
): Numbering {
  if (!tag) return {};
  const { id, wire } = tag;
  const numbering: Numbering = {
    // The tab keeps its id and its send's number through its worker's death.
    origin: `${tabId}:${id}`,
    onNumbered: (wireId) => {
      const session = connection.cursor?.session;
      if (session !== undefined) tell({ id, wire: { session, id: wireId } });
    },
    onPlain: () => tell({ id }),
  };
  // Another session's ids mean nothing to this one: the message takes its next id.
  if (wire && wire.session === connection.cursor?.session) {
    numbering.id = wire.id;
    numbering.session = wire.session;
  }
  return numbering;
}
