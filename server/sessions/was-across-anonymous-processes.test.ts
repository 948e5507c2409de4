/**
 * A send written again under another session with `was`, the sessions on one Redis, two
 * server processes with no `authenticate` (anonymous sessions, found by their id alone).
 *
 * Review 18f (asked to try anonymous sessions with `was` on Redis; OLDER than the commits
 * reviewed): `SessionRegistry.#storeKeyOf` checked another session named in a message's
 * `was` only when this process held it; on Redis it never asked the shared store
 * (`seenIfKept`), as it does for a session of a user.
 *
 * Review 18g, of f12de46 (SEEN's owner check) with 31286a2: `SessionRegistry.seenIn` asked
 * `store.seen` (own-session SEEN, with the owner check) for a `was` session this registry
 * still held, though another process may have resumed it since (this one learns it on its
 * next sweep, `touch`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RedisReplayStore } from '../redis';
import { Harness, waitUntil } from '../test-support/harness';
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

describe('an anonymous send written again under another session, on another process', () => {
  // Invariant: each send settles once; resolved = the app got it exactly once (docs/design.md
  // "Delivery guarantees": `was` holds "behind a load balancer, while the shared store keeps
  // it (`seenIfKept`)"; nothing there excepts anonymous sessions).
  // Severity: medium for a deployment with no `authenticate` behind a load balancer (a send
  // renumbered under a new session, e.g. its hub died and the next owner had a session of
  // its own, while its first socket's ack was lost).
  // What I saw: message 3 of the first session passed on by process A, its socket gone
  // before the ack; the next session, on process B, sends it as message 1 with `was`
  // first:3; B does not hold the first session, and an anonymous registry asks no store
  // then: the next session decides, and the app gets "pay once" twice (["pay once", "pay
  // once"]). OLDER: the same on ba231fa (checked: the same assertion fails there).
  // Suggested fix: ask `seenIfKept` for an anonymous session not held here as well (its key
  // is its id alone, `#keyOf`), as for a user's.
  // Fixed: `#storeKeyOf` asks the shared store for an anonymous session too.
  it('is passed on once', async () => {
    const app: unknown[] = [];
    const prefix = `r18f-anon${Math.random()}:`;
    const processA = await processOf(app, prefix);
    const processB = await processOf(app, prefix);
    const first = await resumed(processA, FIRST);
    first.client.send({ $ts: 'msg', id: 3, text: '"pay once"' });
    await waitUntil(() => app.length === 1, 'the app got message 3');
    first.client.socket.terminate();
    await first.client.closed;
    const next = await resumed(processB, NEXT);
    next.client.send({ $ts: 'msg', id: 1, text: '"pay once"', was: { session: FIRST, id: 3 } });
    await next.client.waitForMessage((text) => text === '{"$ts":"ack","id":1}', 'the ack');
    expect(app).toEqual(['pay once']);
  });
});

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
