import type { MessageOrigin } from '../../protocol/wire';
import { isPromise, type MaybePromise } from '../stores/maybe-promise';
import type { Session } from './session';

/** A message id a record took in the store under `key` (see `ReplayStore.passed`). */
export interface TakenId {
  readonly key: string;
  readonly id: number;
}

/** What `passedOnBefore` asks of the registry. */
export interface ReceiptRecords {
  seen(session: Session, id: number): MaybePromise<boolean>;
  seenIn(session: Session, was: MessageOrigin, taken: TakenId[]): MaybePromise<boolean | undefined>;
  /**
   * Whether the store holds an id its record took for this process until `passed` (see
   * `ReplayStore.passed`): a record that failed after it ran leaves the id held, not seen.
   */
  readonly holdsUntilPassed: boolean;
}

/**
 * Whether message `id` of `session` reached the app before, recorded so that of all the
 * copies of one send (written under other sessions of the login before: `was`, oldest
 * first) one alone is passed on. Every copy names the sessions it was written in before in
 * the order written, and takes them in that order, its own last (or in its place, when it
 * was written there before the others): the first of them that can record (held here, or
 * kept by a shared store) decides for every copy at once, as its record is one step. A copy that recorded somewhere before it decided could make another
 * copy drop itself there while this one is dropped elsewhere, and the send would be lost
 * (review 18b: two copies taking two sessions in opposite orders). Its own session records
 * it once decided, for a resend of it once the others are gone; the answer waits for that
 * record, so that the caller's `passed` lets go of all it took: the ids of other sessions
 * go in `taken`, under the keys asked, as the session may have left the registry since
 * (review 18i; see `ReplayStore.passed`).
 *
 * A check of another session that fails: on a store that holds what it took until
 * `passed`, it rejects, as when its own session cannot record it: the socket ends then, and
 * the worker sends it again on its next one, whose check finds what this one may have taken
 * held, not seen (this process's claim, retaken, or another's it waits for). Decided past
 * a session it could not check, a copy read there after it would be passed on too (review
 * 18h). On a store that records at once, it is reported and the copy passed on (at worst
 * twice, never lost): the check may have recorded it there, and a resend of it would be
 * dropped as seen there (review 18c).
 */
export function passedOnBefore(
  records: ReceiptRecords,
  session: Session,
  id: number,
  was: readonly MessageOrigin[],
  reportError: (error: unknown) => void,
  taken: TakenId[],
): MaybePromise<boolean> {
  // Waited for: what it took is let go of once the app has the message (`passed`).
  const recordHere = (seen: boolean): MaybePromise<boolean> => {
    let recorded: MaybePromise<boolean>;
    try {
      recorded = records.seen(session, id);
    } catch (error) {
      reportError(error);
      return seen;
    }
    if (!isPromise(recorded)) return seen;
    return recorded.then(
      () => seen,
      (error: unknown) => {
        reportError(error);
        return seen;
      },
    );
  };
  const decide = (index: number): MaybePromise<boolean> => {
    const origin = was[index];
    // Its own copy, named in its place among the others (written there first, then
    // elsewhere, then there again): decided there, so that every copy takes the sessions in
    // one order (review 18h).
    if (!origin || (origin.session === session.id && origin.id === id)) {
      return records.seen(session, id);
    }
    const next = (seen: boolean | undefined) =>
      seen === undefined ? decide(index + 1) : recordHere(seen);
    const there = records.seenIn(session, origin, taken);
    if (!isPromise(there)) return next(there);
    return there.then(next, (error: unknown) => {
      if (records.holdsUntilPassed) throw error;
      reportError(error);
      return recordHere(false);
    });
  };
  return decide(0);
}
