import type { MessageOrigin } from '../../protocol/wire';
import type { RedisReplayStore } from '../redis';
import { passedOnBefore, type ReceiptRecords } from '../sessions/message-receipt';
import type { Session } from '../sessions/session';

/** The dedupe window of these tests' sessions. */
const WINDOW = 64;

/** A process's receipt of a copy read on its own session `own`, as SessionRegistry asks it. */
function recordsOf(store: RedisReplayStore, own: string): ReceiptRecords {
  return {
    holdsUntilPassed: true,
    seen: (_session, id) => store.seen(own, id, WINDOW),
    // A `was` session: asked with no owner check (`seenIn` on a shared store, 3383776).
    seenIn: (_session, was) => store.seenIfKept(was.session, was.id, WINDOW),
  };
}

/**
 * A copy of a send read by the process of `store` on its session `own`, as message `id`
 * written before as `was`: its answer (`passedOnBefore`); once false (passed on), `passed`
 * for all it took, as the server does.
 */
export async function receive(
  store: RedisReplayStore,
  own: string,
  id: number,
  was: MessageOrigin[],
): Promise<boolean> {
  const seen = await passedOnBefore(
    recordsOf(store, own),
    { id: own } as Session,
    id,
    was,
    () => {},
    [],
  );
  if (!seen) {
    await store.passed(own, id);
    for (const origin of was) await store.passed(origin.session, origin.id);
  }
  return seen;
}
