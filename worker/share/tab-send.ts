import type { Clock } from '../../protocol/clock';
import { Timer } from '../../protocol/clock';
import type { SessionCursor, TabSend, WireId } from '../../protocol/tab-hub';
import { MAX_ALSO } from '../../protocol/wire-checks';
import type { Numbering } from '../socket/send-queue';

/** What the hub tells a tab of its send before the write: `wire` when numbered. */
export interface WrittenSend {
  id: number;
  wire?: WireId;
  /** The hub writes it once the tab answers `heard` (see `TabSend.confirms`). */
  awaits?: true;
}

/**
 * How long a tab may take to answer `heard` before its sends go without it. A tab whose main
 * thread stops (an `alert()`, a long task, a paused debugger, a page frozen in the
 * background) answers nothing and fires no pagehide; its wait holds every later send of the
 * connection, other tabs' too (ids go in order). A live tab answers in a task or two
 * (well under 100 ms even on a busy page); 1 s lets a slow one answer while a live tab's
 * click never waits longer than a person notices a lag.
 */
export const HEARD_DEADLINE_MS = 1_000;

interface Waiting {
  tabId: string;
  wire: WireId;
  /** When the hub asked (`Clock.now`): past `HEARD_DEADLINE_MS`, the tab is unresponsive. */
  asked: number;
  heard(): void;
}

/**
 * The `written` events the hub waits for tabs to answer (`heard`), by tab, send and session.
 * (A relay's owner keeps one for its peers' sends: a peer hub answers `holds` as a tab does.)
 * A tab that goes (pagehide, a crash) answers none: its sends are written as they would have
 * been, as no tab of it is left to post them again. A tab that answers nothing within
 * `HEARD_DEADLINE_MS` is unresponsive: its sends are written unconfirmed until it answers
 * again (docs/delivery-limitations.md).
 */
export class HeardWrites {
  readonly #waiting = new Map<string, Waiting>();
  /** Tabs that let an ask pass its deadline and have not answered since. */
  readonly #unresponsive = new Set<string>();
  /** Armed for the oldest wait's deadline while any waits. */
  readonly #deadline: Timer;

  /** `attached`: whether a tab is there to answer (it may have gone since its send). */
  constructor(
    private readonly attached: (tabId: string) => boolean,
    private readonly clock: Clock,
  ) {
    this.#deadline = new Timer(clock);
  }

  /**
   * Resolves once the tab heard its send `id` is `wire`, at once when it is gone or
   * unresponsive, or at the deadline; never rejects.
   */
  ask(tabId: string, id: number, wire: WireId): Promise<void> {
    if (!this.attached(tabId) || this.#unresponsive.has(tabId)) return Promise.resolve();
    // Asked again under another id (a fresh session): the last ask is dropped, unresolved,
    // for its answer is stale (`SendQueue` takes only the answer to its last ask).
    const key = originOf(tabId, id);
    this.#waiting.delete(key);
    return new Promise((heard) => {
      this.#waiting.set(key, { tabId, wire, asked: this.clock.now(), heard });
      if (!this.#deadline.pending) this.#arm();
    });
  }

  /** The tab's answer; one about another id or session than the hub asked last is not this one's. */
  heard(tabId: string, id: number, wire: WireId | undefined): void {
    // Any answer shows its main thread runs again: its next sends wait for it.
    this.#unresponsive.delete(tabId);
    const key = originOf(tabId, id);
    const waiting = this.#waiting.get(key);
    if (waiting?.wire.session !== wire?.session || waiting?.wire.id !== wire?.id) return;
    this.#waiting.delete(key);
    waiting?.heard();
    this.#idle();
  }

  /** The send settled (written, or refused before it was): nothing waits for its tab. */
  settled(tabId: string, id: number): void {
    this.#waiting.delete(originOf(tabId, id));
    this.#idle();
  }

  /** The tab is gone: its sends go unconfirmed. */
  forget(tabId: string): void {
    this.forgetWhere((id) => id === tabId);
  }

  /** Every tab `gone` picks is gone (`forget`). */
  forgetWhere(gone: (tabId: string) => boolean): void {
    for (const id of this.#unresponsive) if (gone(id)) this.#unresponsive.delete(id);
    this.#release((waiting) => gone(waiting.tabId));
  }

  /** Resolves the waits `which` picks. */
  #release(which: (waiting: Waiting) => boolean): void {
    for (const [key, waiting] of this.#waiting) {
      if (!which(waiting)) continue;
      this.#waiting.delete(key);
      waiting.heard();
    }
    this.#idle();
  }

  /** Nothing waits: the deadline goes. (Armed, it stays as it is: `#arm` looks again when it fires.) */
  #idle(): void {
    if (this.#waiting.size === 0) this.#deadline.clear();
  }

  /** Armed for the oldest wait (map order is ask order; a wait asked again moves to the end). */
  #arm(): void {
    const [oldest] = this.#waiting.values();
    if (!oldest) return;
    this.#deadline.start(oldest.asked + HEARD_DEADLINE_MS - this.clock.now(), () => {
      const now = this.clock.now();
      for (const waiting of this.#waiting.values()) {
        if (now - waiting.asked >= HEARD_DEADLINE_MS) this.#unresponsive.add(waiting.tabId);
      }
      this.#release((waiting) => this.#unresponsive.has(waiting.tabId));
      this.#arm();
    });
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
    onNumbered: (wireId, before, session = connection.cursor?.session) => {
      if (session !== undefined) tell({ id, wire: wireOf(session, wireId, before) });
    },
    onPlain: () => tell({ id }),
  };
  if (tag.confirms === true) {
    numbering.confirm = (wireId, before) => {
      const session = connection.cursor?.session;
      if (session === undefined) return Promise.resolve();
      const wire = wireOf(session, wireId, before);
      const heard = writes.ask(tabId, id, wire);
      tell({ id, wire, awaits: true });
      return heard;
    };
  }
  return Object.assign(numbering, numberingUnder(wire, connection.cursor?.session));
}

/**
 * How a message told `wire` is written on `session`: under its id while on that session, or
 * on one it was written in before (the last time: a fresh hub that resumed an older cursor,
 * review 18d), naming the other sessions it was written in, as its hub did (review 18b).
 * Written there before others, it names that copy too, in its place: the server takes the
 * sessions named in order, so every copy takes them in one order (review 18h: a copy of S
 * naming T alone, and one of T naming S, took them in opposite orders). Another session's
 * ids mean nothing to this one: the message takes its next id, and names them all, for a
 * server that holds them still.
 */
export function numberingUnder(
  wire: WireId | undefined,
  session: string | undefined,
): Pick<Numbering, 'id' | 'session' | 'was' | 'also'> {
  if (!wire) return {};
  // A copy named in its place is told back among those before it: named once, first.
  const written = [...(wire.before ?? []), { session: wire.session, id: wire.id }].filter(
    (copy, at, all) =>
      all.findIndex((other) => other.session === copy.session && other.id === copy.id) === at,
  );
  let here = written.length - 1;
  while (here >= 0 && written[here]?.session !== session) here--;
  const kept = written[here];
  if (!kept) return namingOf(written);
  // Past its own copy the server asks no further: the newest copies go first to fit.
  const named = namingOf(
    here === written.length - 1 ? written.slice(0, here) : written.slice(0, MAX_ALSO + 1),
  );
  return { id: kept.id, session: kept.session, ...named };
}

/** The sessions a message was written in, oldest first, as its frame names them: `was`, `also`. */
function namingOf([was, ...also]: WireId[]): Pick<Numbering, 'was' | 'also'> {
  if (!was) return {};
  return also.length > 0 ? { was, also: also.slice(-MAX_ALSO) } : { was };
}

/** A send's `wire` as the tab is told it: with where it was written before, if anywhere. */
export function wireOf(session: string, id: number, before: WireId[] | undefined): WireId {
  return before ? { session, id, before } : { session, id };
}
