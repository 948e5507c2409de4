import type { SessionCursor, TabSend, WireId } from '../protocol/tab-hub';
import type { Numbering } from './send-queue';

/** What the hub tells a tab of its send before the write: `wire` when numbered. */
export interface WrittenSend {
  id: number;
  wire?: WireId;
  /** The hub writes it once the tab answers `heard` (see `TabSend.confirms`). */
  awaits?: true;
}

/**
 * The `written` events the hub waits for tabs to answer (`heard`), by tab and send. A tab
 * that goes (pagehide, a crash) answers none: its sends are written as they would have
 * been, as no tab of it is left to post them again.
 */
export class HeardWrites {
  readonly #waiting = new Map<string, { tabId: string; wire: WireId; heard(): void }>();

  /** `attached`: whether a tab is there to answer (it may have gone since its send). */
  constructor(private readonly attached: (tabId: string) => boolean) {}

  /** Resolves once the tab heard its send `id` is `wire`, or at once when it is gone; never rejects. */
  ask(tabId: string, id: number, wire: WireId): Promise<void> {
    if (!this.attached(tabId)) return Promise.resolve();
    const key = originOf(tabId, id);
    // Asked again under another id (a fresh session): the answer about the last one is stale.
    this.#waiting.get(key)?.heard();
    return new Promise((heard) => this.#waiting.set(key, { tabId, wire, heard }));
  }

  /** The tab's answer; one about another id than the hub asked last is not this one's. */
  heard(tabId: string, id: number, wire: WireId | undefined): void {
    const key = originOf(tabId, id);
    const waiting = this.#waiting.get(key);
    if (waiting?.wire.session !== wire?.session || waiting?.wire.id !== wire?.id) return;
    this.#waiting.delete(key);
    waiting?.heard();
  }

  /** The send settled (written, or refused before it was): nothing waits for its tab. */
  settled(tabId: string, id: number): void {
    this.#waiting.delete(originOf(tabId, id));
  }

  /** The tab is gone: its sends go unconfirmed. */
  forget(tabId: string): void {
    for (const [key, waiting] of this.#waiting) {
      if (waiting.tabId !== tabId) continue;
      this.#waiting.delete(key);
      waiting.heard();
    }
  }
}

const ORIGIN_SEPARATOR = ':';

/** A tab's send, whichever hub has it (`Numbering.origin`): the tab and its number for it. */
function originOf(tabId: string, id: number): string {
  return `${tabId}${ORIGIN_SEPARATOR}${id}`;
}

/** The tab of a send's `originOf`. */
export function tabOfOrigin(origin: string): string {
  return origin.slice(0, origin.lastIndexOf(ORIGIN_SEPARATOR));
}

/**
 * How the hub writes a tab's send (`TabSend`): under the message id an earlier hub wrote it
 * under, while the connection is on that session, and telling the tab before each write,
 * so that a tab whose worker dies knows what to post to the next one, and under which id.
 * A tab that `confirms` is told its send's id and answers before the write (`heard`).
 */
export function numberingOf(
  tag: TabSend | undefined,
  tabId: string,
  connection: { readonly cursor: SessionCursor | undefined },
  tell: (written: WrittenSend) => void,
  writes: HeardWrites,
): Numbering {
  if (!tag) return {};
  const { id, wire } = tag;
  const numbering: Numbering = {
    // The tab keeps its id and its send's number through its worker's death.
    origin: originOf(tabId, id),
    onNumbered: (wireId) => {
      const session = connection.cursor?.session;
      if (session !== undefined) tell({ id, wire: { session, id: wireId } });
    },
    onPlain: () => tell({ id }),
  };
  if (tag.confirms === true) {
    numbering.confirm = (wireId) => {
      const session = connection.cursor?.session;
      if (session === undefined) return Promise.resolve();
      const wire = { session, id: wireId };
      const heard = writes.ask(tabId, id, wire);
      tell({ id, wire, awaits: true });
      return heard;
    };
  }
  // Another session's ids mean nothing to this one: the message takes its next id.
  if (wire && wire.session === connection.cursor?.session) {
    numbering.id = wire.id;
    numbering.session = wire.session;
  }
  return numbering;
}
