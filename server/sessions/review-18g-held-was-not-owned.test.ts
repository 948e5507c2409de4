/**
 * Review 18g, of f12de46 (SEEN's owner check) with 31286a2: `SessionRegistry.seenIn` asks
 * `store.seen` (own-session SEEN, with the owner check) for a `was` session this registry
 * still holds, though another process may have resumed it since (this one learns it on its
 * next sweep, `touch`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RedisReplayStore } from '../redis';
import { Harness } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';

const shared = redisForTheFile();
const harness = new Harness();
afterEach(() => harness.dispose());

const FIRST = 'first-session-0001';
const NEXT = 'next-session-00002';

async function processOf(received: unknown[], prefix: string) {
  const started = await harness.start({
    replayStore: new RedisReplayStore(shared.client, { prefix }),
  });
  started.server.on('message', (_client, data) => received.push(data));
  return started.url;
}

async function resumed(url: string, session: string) {
  const client = await harness.connect(url);
  return { client, answer: await client.resume(session) };
}

describe('a send written again under another session, whose `was` this process held before another resumed it', () => {
  // Invariant: each send settles once; resolved = the app got it exactly once (docs/design.md
  // "Delivery guarantees"; a duplicate only when the process that passed it on died or lost
  // Redis for more than 10 s before its PASSED: here no process died, Redis never failed).
  // Severity: medium (a worker that moved from process A to B, then B's socket failed before
  // the ack and its next session landed back on A within A's sweep interval, a session
  // renumbered under `was`: relay re-post, resync after a lost session).
  // What I saw: process A still holds FIRST (detached, its sweep has not run) when B resumed
  // it and passed message 3 on (PASSED reached Redis). NEXT on A sends it again with `was`
  // FIRST:3: `#storeKeyOf` finds FIRST held here, `seenIn` asks `store.seen` with A as the
  // owner, SEEN answers NOT_OWNED, `seen` rejects (and marks A's FIRST lost), and
  // `passedOnBefore` reports the error and passes the copy on (`recordHere(false)`): the app
  // gets "pay once" twice (`['pay once', 'pay once']`).
  // NEW with f12de46: before it SEEN had no owner check and answered 1 (seen) here.
  // Suggested fix: a `was` is never this server's own session: ask it with no owner check
  // (`seenIfKept`, which records nothing when Redis lost it) whether or not this registry
  // holds it; the owner check belongs to the message's own session alone.
  // Fixed: a `was` session is asked through `seenIfKept` (no owner check) on a shared store.
  it('is passed on once', async () => {
    const app: unknown[] = [];
    const prefix = `r18g-was${Math.random()}:`;
    const processA = await processOf(app, prefix);
    const processB = await processOf(app, prefix);
    const onA = await resumed(processA, FIRST);
    onA.client.socket.terminate();
    await onA.client.closed;
    const onB = await resumed(processB, FIRST);
    onB.client.send({ $ts: 'msg', id: 3, text: '"pay once"' });
    await onB.client.waitForMessage((text) => text === '{"$ts":"ack","id":3}', 'the ack of 3');
    expect(app).toEqual(['pay once']);
    onB.client.socket.terminate();
    await onB.client.closed;
    const next = await resumed(processA, NEXT);
    next.client.send({ $ts: 'msg', id: 1, text: '"pay once"', was: { session: FIRST, id: 3 } });
    await next.client.waitForMessage((text) => text === '{"$ts":"ack","id":1}', 'the ack');
    expect(app).toEqual(['pay once']);
  });
});
