import type { Anchor, DirectPush, Interest } from './session-numbering';

/** A session as READ answers it (see scripts.ts). */
export interface SessionRecord {
  /** The last fan-out Redis numbered when it was read. */
  readonly counter: number;
  readonly cur: Anchor;
  readonly prev: Anchor;
  readonly interests: readonly Interest[];
  /** The newest direct push let go: an anchor below it cannot be counted from. */
  readonly dfloor: number;
  /** The newest direct push's number; 0 for none. */
  readonly dhead: number;
  /** Redis did not know the session: the read created it. */
  readonly fresh: boolean;
  /** Fresh, and its name by user and id names another login's session Redis keeps. */
  readonly otherLogin: boolean;
  /** The highest message id the session passed on; 0 for none. */
  readonly lastId: number;
  /** The head of the hole READ left for a resync owed (see READ); 0 for none. */
  readonly hole: number;
  /** The direct pushes after the older anchor's head, oldest first. */
  readonly directs: DirectPush[];
}

const FIELDS = 11;

export function readReply(reply: unknown): SessionRecord {
  const values = (reply as unknown[]).map(String);
  const number = (index: number) => Number(values[index]);
  const directs: DirectPush[] = [];
  for (let index = FIELDS; index + 3 < values.length; index += 4) {
    directs.push({
      // A stream id is "<ms>-<n>", in Redis's time.
      at: Number.parseInt(values[index] as string, 10),
      seq: number(index + 1),
      mark: number(index + 2),
      body: values[index + 3] as string,
    });
  }
  return {
    counter: number(0),
    cur: { head: number(1), mark: number(2) },
    prev: { head: number(3), mark: number(4) },
    interests: parseInterests(values[5] ?? '[]'),
    dfloor: number(6),
    dhead: number(7),
    fresh: values[8] === '1' || values[8] === '2',
    otherLogin: values[8] === '2',
    lastId: number(9),
    hole: number(10),
    directs,
  };
}

/** The interests as the store wrote them; none when they cannot be read (then nothing counts). */
function parseInterests(text: string): Interest[] {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (interest): interest is Interest =>
        typeof interest?.since === 'number' &&
        typeof interest.user === 'string' &&
        Array.isArray(interest.topics),
    );
  } catch {
    return [];
  }
}
