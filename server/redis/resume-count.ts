import { type FanoutMessage, type PushEntry, pushPayload } from '../stores';
import type { FanoutLog } from './fanout-log';
import type { SessionRecord } from './read-reply';
import { type Anchor, numberFrom } from './session-numbering';

/** What a resume of a session counts from its record (see `countResume`). */
export interface ResumeCount {
  readonly head: number;
  /** The pushes after the worker's last; undefined when not all are kept (it resyncs). */
  readonly entries: PushEntry[] | undefined;
  /** An anchor at the worker's last push: it has every push up to it. */
  readonly from: Anchor | undefined;
}

export interface CountContext {
  /** The fan-outs this server made; undefined without a fan-out (direct pushes only). */
  readonly log: FanoutLog | undefined;
  readonly bodyOf: (message: FanoutMessage) => string;
  readonly maxCount: number;
  readonly maxAge: number;
  readonly now: number;
}

/**
 * Counts a session read for a resume up to the last fan-out made here, from the newest of
 * its anchors that reaches back to `last`; undefined when none can be counted from (the
 * fan-outs since are not all remembered here, a direct push is gone, or the count ends below
 * the newest anchor).
 */
export function countResume(
  record: SessionRecord,
  last: number | undefined,
  context: CountContext,
): ResumeCount | undefined {
  const { log } = context;
  const made = log?.made ?? 0;
  for (const anchor of anchorsFor(record, last)) {
    if (anchor.head < record.dfloor || anchor.mark > made) continue;
    const fanouts = log ? log.after(anchor.mark) : [];
    if (!fanouts) continue;
    const counted = numberFrom(anchor, record.interests, record.directs, fanouts, context.bodyOf);
    if (!counted) continue;
    const { head, pushes } = counted;
    // Below the newest anchor Redis has: a number between was never kept (a hole, or a push
    // Redis refused), so no replay passes it; the head is counted from that anchor on.
    if (head < record.cur.head) {
      return last === undefined ? undefined : countResume(record, undefined, context);
    }
    if (last === undefined || last > head || head - last > context.maxCount) {
      return { head, entries: undefined, from: undefined };
    }
    const after = pushes.filter((push) => push.seq > last);
    const first = after[0];
    if (first && first.at < context.now - context.maxAge) {
      return { head, entries: undefined, from: undefined };
    }
    const at = pushes.find((push) => push.seq === last);
    return {
      head,
      entries: after.map((push) => ({ seq: push.seq, payload: pushPayload(push.body) })),
      from: at ? { head: at.seq, mark: at.mark } : anchor,
    };
  }
  return undefined;
}

/**
 * A head above any the session can have had, for a resume that cannot count it: each fan-out
 * since an anchor adds one at most, and direct pushes carry their numbers.
 */
export function headAbove(record: SessionRecord, made: number, known: number): number {
  // The newest direct push is an anchor too (review 20f): the fan-outs after its mark follow it.
  const newest = record.directs.at(-1);
  const anchors = newest ? [{ head: newest.seq, mark: newest.mark }] : [];
  return Math.max(
    record.dhead,
    known,
    ...[record.cur, record.prev, ...anchors].map((at) => at.head + Math.max(0, made - at.mark)),
  );
}

/**
 * Where the session can be counted from, newest first: its anchors, and the direct push
 * after `last` (each direct push is an anchor: it follows every fan-out up to its mark). With
 * a `last`, only those at or before it: the count must reach back to the worker's last push.
 */
function anchorsFor(record: SessionRecord, last: number | undefined): Anchor[] {
  const anchors = [record.cur, record.prev];
  const next = record.directs.find((direct) => direct.seq > (last ?? Number.POSITIVE_INFINITY));
  if (next) anchors.push({ head: next.seq - 1, mark: next.mark });
  return anchors
    .filter((anchor) => last === undefined || anchor.head <= last)
    .sort((a, b) => b.head - a.head);
}
