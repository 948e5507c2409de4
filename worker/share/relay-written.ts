import { tabLockName } from '../../protocol/locks';
import type { WireId } from '../../protocol/tab-hub';
import type { LockWaiter } from '../platform';
import { tabOfOrigin } from './tab-send';

/** A peer's send as the owner wrote it: `send` is the peer's number for it. */
interface Written {
  peer: string;
  send: number;
  wire: WireId;
}

/**
 * The message ids an owner wrote its peers' sends under, by origin (the tab that made the
 * send and its number for it), for as long as that tab may post the send again not knowing
 * the id: the peer's hub may die before it read the owner's `numbered`, and the tab, told
 * nothing, posts the send again through its fresh hub, which the owner must write under the
 * same id (the server passes each id on once). So an id is kept whatever the server
 * answered (the answer dies unread with the hub too), and forgotten once:
 * - its re-post is written and that hub hears it (`record` again, then `heard`);
 * - the peer read `numbered` (it says so with its next send, `heard`): its tab knows the id,
 *   so a peer keeps here at most the sends it had not settled when it last sent one;
 * - the tab is gone (its lifetime lock, `tabLockName`, comes to this owner): nobody is left
 *   to post it again;
 * - the owner goes (a handover, a logout: `dispose`).
 * The wire is kept whole (with where it was written before): on another session than the
 * socket's now, the re-post takes a new id there and names them (`numberingUnder`).
 */
export class WrittenSends {
  readonly #byOrigin = new Map<string, Written>();
  /** Peer → its number for a send → the send's origin: what `heard` clears. */
  readonly #byPeer = new Map<string, Map<number, string>>();
  /** The tabs with sends here, each with the abort of the wait for its lifetime lock. */
  readonly #tabs = new Map<string, AbortController>();

  constructor(private readonly locks: LockWaiter | undefined) {}

  /** The owner wrote `peer`'s send `send`, of `origin`, under `wire`. */
  record(origin: string, peer: string, send: number, wire: WireId): void {
    this.#forget(origin);
    this.#byOrigin.set(origin, { peer, send, wire });
    const sends = this.#byPeer.get(peer) ?? new Map<number, string>();
    this.#byPeer.set(peer, sends);
    sends.set(send, origin);
    this.#watch(tabOfOrigin(origin));
  }

  /** `peer` read `numbered` for its `sends`: their tabs know their ids. */
  heard(peer: string, sends: readonly number[]): void {
    const origins = this.#byPeer.get(peer);
    for (const send of sends) {
      const origin = origins?.get(send);
      if (origin !== undefined) this.#forget(origin);
    }
  }

  /**
   * Where the send of `origin`, posted again, was written, and before (`WireId.before`).
   * Kept until its re-post is written (`record` again): the hub that posted it may die first,
   * and its tab post it once more (review 18h).
   */
  writtenAt(origin: string): WireId | undefined {
    return this.#byOrigin.get(origin)?.wire;
  }

  dispose(): void {
    for (const stop of this.#tabs.values()) stop.abort();
    this.#tabs.clear();
    this.#byOrigin.clear();
    this.#byPeer.clear();
  }

  #forget(origin: string): void {
    const written = this.#byOrigin.get(origin);
    if (!written) return;
    this.#byOrigin.delete(origin);
    const sends = this.#byPeer.get(written.peer);
    sends?.delete(written.send);
    if (sends?.size === 0) this.#byPeer.delete(written.peer);
  }

  /** Waits for the tab's lifetime lock (once per tab): granted, the tab is gone. */
  #watch(tab: string): void {
    const { locks } = this;
    if (!locks || this.#tabs.has(tab)) return;
    const stop = new AbortController();
    this.#tabs.set(tab, stop);
    locks
      .request(tabLockName(tab), { mode: 'shared', signal: stop.signal }, () => {
        this.#tabs.delete(tab);
        for (const origin of [...this.#byOrigin.keys()]) {
          if (tabOfOrigin(origin) === tab) this.#forget(origin);
        }
      })
      // Aborted: this owner went.
      .catch(() => {});
  }
}
