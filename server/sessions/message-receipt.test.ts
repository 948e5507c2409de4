/**
 * `passedOnBefore`: of the copies of one send, written under several sessions of a login,
 * one alone reaches the app, whatever order a store that answers asynchronously (Redis)
 * answers their records in. Every order is tried.
 */
import { describe, expect, it } from 'vitest';
import type { MessageOrigin } from '../../protocol/wire';
import { passedOnBefore, type ReceiptRecords } from './message-receipt';
import type { Session } from './session';

/** A copy of the send: the session it is read in, its id there, where it was written before. */
interface Copy {
  session: string;
  id: number;
  was: MessageOrigin[];
}

/** The copies review 18b read at once: s1's own, then s2's and s3's, renumbered. */
const S1 = { session: 's1', id: 3, was: [] };
const S2 = { session: 's2', id: 1, was: [{ session: 's1', id: 3 }] };
const S3 = {
  session: 's3',
  id: 1,
  was: [
    { session: 's1', id: 3 },
    { session: 's2', id: 1 },
  ],
};

/**
 * Reads `copies` at once against records of the sessions in `held` (the others are lost:
 * nothing is recorded there), answering the waiting calls in the order `choose` picks.
 * Answers how many copies were passed on, and the number of calls waiting at each pick.
 */
async function readAtOnce(
  copies: Copy[],
  held: ReadonlySet<string>,
  choose: (waiting: number, step: number) => number,
): Promise<{ passedOn: number; widths: number[] }> {
  const recorded = new Map<string, Set<number>>();
  const waiting: Array<() => void> = [];
  const record = (session: string, id: number) =>
    new Promise<boolean>((resolve) => {
      waiting.push(() => {
        const ids = recorded.get(session) ?? new Set<number>();
        recorded.set(session, ids);
        resolve(ids.has(id));
        ids.add(id);
      });
    });
  const records: ReceiptRecords = {
    holdsUntilPassed: false,
    seen: (session, id) => record((session as { id: string }).id, id),
    seenIn: (_session, was) => (held.has(was.session) ? record(was.session, was.id) : undefined),
  };
  let passedOn = 0;
  let settled = 0;
  for (const copy of copies) {
    const session = { id: copy.session } as Session;
    void Promise.resolve(passedOnBefore(records, session, copy.id, copy.was, () => {}, [])).then(
      (seen) => {
        if (!seen) passedOn += 1;
        settled += 1;
      },
    );
  }
  const widths: number[] = [];
  while (settled < copies.length || waiting.length > 0) {
    // Every call a settled answer makes is asked before the next pick.
    for (let turn = 0; turn < 10; turn++) await Promise.resolve();
    if (waiting.length === 0) continue;
    widths.push(waiting.length);
    const [next] = waiting.splice(choose(waiting.length, widths.length - 1), 1);
    next?.();
  }
  return { passedOn, widths };
}

/** Runs `readAtOnce` for every order of answers; answers each order's count of copies passed on. */
async function everyOrder(copies: Copy[], held: ReadonlySet<string>): Promise<number[]> {
  const counts: number[] = [];
  const pending: number[][] = [[]];
  while (pending.length > 0) {
    const prefix = pending.pop() as number[];
    const { passedOn, widths } = await readAtOnce(copies, held, (_, step) => prefix[step] ?? 0);
    counts.push(passedOn);
    for (let step = prefix.length; step < widths.length; step++) {
      const path = [...prefix, ...Array<number>(step - prefix.length).fill(0)];
      for (let pick = 1; pick < (widths[step] ?? 0); pick++) pending.push([...path, pick]);
    }
  }
  return counts;
}

/**
 * Records per session id, answered later as Redis does; `failing` makes the next calls fail,
 * after recording (`ran`: the answer lost) or before (`refused`).
 */
function failingStore(holdsUntilPassed = false) {
  const recorded = new Map<string, Set<number>>();
  const failing: Array<'ran' | 'refused'> = [];
  const record = async (session: string, id: number): Promise<boolean> => {
    const failure = failing.shift();
    if (failure === 'refused') throw new Error('Redis is down');
    const ids = recorded.get(session) ?? new Set<number>();
    recorded.set(session, ids);
    const seen = ids.has(id);
    ids.add(id);
    if (failure === 'ran') throw new Error('the answer was lost');
    return seen;
  };
  const records: ReceiptRecords = {
    holdsUntilPassed,
    seen: (session, id) => record((session as { id: string }).id, id),
    seenIn: (_session, was) => record(was.session, was.id),
  };
  return { records, failing, recorded };
}

/** How many of `copies` readings of copy s2:1 (`was` s1:3) were passed on, one after the other. */
async function passedOnOf(records: ReceiptRecords, between: () => Promise<void>, copies = 2) {
  const s2 = { id: 's2' } as Session;
  let passedOn = 0;
  for (let copy = 0; copy < copies; copy++) {
    if (copy > 0) await between();
    if (!(await passedOnBefore(records, s2, 1, [{ session: 's1', id: 3 }], () => {}, [])))
      passedOn += 1;
  }
  return passedOn;
}

describe('passedOnBefore', () => {
  it.each([
    ['every session held', ['s1', 's2', 's3']],
    ['s1 lost', ['s2', 's3']],
  ])(
    'passes one of s2’s and s3’s copies on, read at once, in every order (%s)',
    async (_, held) => {
      const counts = await everyOrder([S2, S3], new Set(held));
      expect(counts.length).toBeGreaterThan(2);
      expect(new Set(counts)).toEqual(new Set([1]));
    },
  );

  it('passes one copy of a send written in s1, then s2, then s1 again on, read at once, in every order', async () => {
    // The second s1 copy names its own first copy in its place (review 18h): both copies
    // take s1 first, whatever session they are read in. It names s3's sessions.
    const again = { ...S3, session: 's1', id: 3 };
    const counts = await everyOrder([S2, again], new Set(['s1', 's2']));
    expect(counts.length).toBeGreaterThan(2);
    expect(new Set(counts)).toEqual(new Set([1]));
  });

  it('passes one of the three copies on, read at once, in every order', async () => {
    const counts = await everyOrder([S1, S2, S3], new Set(['s1', 's2', 's3']));
    expect(new Set(counts)).toEqual(new Set([1]));
  });

  it('decides in the first session that records, and then records its own', async () => {
    const asked: string[] = [];
    const records: ReceiptRecords = {
      holdsUntilPassed: false,
      seen: (session, id) => {
        asked.push(`seen ${(session as { id: string }).id}:${id}`);
        return false;
      },
      seenIn: (_, was) => {
        asked.push(`seenIn ${was.session}:${was.id}`);
        return was.session === 's1' ? undefined : true;
      },
    };
    const seen = passedOnBefore(records, { id: 's3' } as Session, 1, S3.was, () => {}, []);
    expect(seen).toBe(true);
    expect(asked).toEqual(['seenIn s1:3', 'seenIn s2:1', 'seen s3:1']);
  });

  it('passes on a copy whose check of another session fails, reported, and records it in its own', async () => {
    const reported: unknown[] = [];
    const failure = new Error('store down');
    const own: string[] = [];
    const records: ReceiptRecords = {
      holdsUntilPassed: false,
      seen: (session, id) => {
        own.push(`${(session as { id: string }).id}:${id}`);
        return Promise.reject(failure);
      },
      seenIn: () => Promise.reject(failure),
    };
    const session = { id: 's3' } as Session;
    const seen = await passedOnBefore(
      records,
      session,
      1,
      S3.was,
      (error) => reported.push(error),
      [],
    );
    // The check may have recorded it in s1: decided elsewhere, a resend of it would be dropped
    // there as seen, were its own record to fail too and the socket to end (review 18c).
    expect(seen).toBe(false);
    expect(own).toEqual(['s3:1']);
    await Promise.resolve();
    expect(reported).toEqual([failure, failure]);
  });

  it('rejects only when its own session decides and cannot record it', async () => {
    const failure = new Error('store down');
    const records: ReceiptRecords = {
      holdsUntilPassed: false,
      seen: () => Promise.reject(failure),
      seenIn: () => undefined,
    };
    const session = { id: 's3' } as Session;
    await expect(passedOnBefore(records, session, 1, S3.was, () => {}, [])).rejects.toBe(failure);
  });

  // Review 18c: a store call can run and lose its answer (the store makes it again under the
  // same claim, and once its attempts are spent rejects with the id recorded). The check of
  // s1 ran so, then the copy's own record failed and the socket closed: the resend found
  // the check's record in s1 and was dropped, though no copy had been passed on. Fixed: a
  // copy whose check of another session fails is passed on there and then.
  it('passes a copy on once when its check ran but failed, and its own record failed', async () => {
    const { records, failing } = failingStore();
    failing.push('ran', 'refused');
    expect(await passedOnOf(records, async () => {})).toBe(1);
  });

  // Review 18d (low-medium): that rule passes a resend on whose check fails though its own
  // session recorded the copy before (its ack lost): twice. Asking its own session then
  // would lose the copy where a resend on another socket took the failed check's record
  // first (a resend is dropped only on a record some copy passed on after), on a store that
  // records at once. Fixed for a store that holds what it took until `passed` (Redis): the
  // copy is rejected (review 18h: decided past a session it could not check, a copy read
  // there after it was passed on too), and the worker's next resend is dropped.
  it('rejects a resend whose check fails, on a store that holds; the next one is dropped', async () => {
    const { records, failing } = failingStore(true);
    const s2 = { id: 's2' } as Session;
    const receive = () => passedOnBefore(records, s2, 1, S2.was, () => {}, []);
    expect(await receive()).toBe(false);
    failing.push('refused');
    await expect(receive()).rejects.toThrow('Redis is down');
    expect(await receive()).toBe(true);
  });

  it('rejects when a check fails, on a store that holds, asking no later session', async () => {
    const failure = new Error('store down');
    const asked: string[] = [];
    const records: ReceiptRecords = {
      holdsUntilPassed: true,
      seen: (session, id) => {
        asked.push(`seen ${(session as { id: string }).id}:${id}`);
        return Promise.resolve(true);
      },
      seenIn: (_session, was) => {
        asked.push(`seenIn ${was.session}:${was.id}`);
        return was.session === 's1' ? Promise.reject(failure) : Promise.resolve(undefined);
      },
    };
    const session = { id: 's3' } as Session;
    await expect(passedOnBefore(records, session, 1, S3.was, () => {}, [])).rejects.toBe(failure);
    expect(asked).toEqual(['seenIn s1:3']);
  });
});
