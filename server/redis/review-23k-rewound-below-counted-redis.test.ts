/**
 * Review 23k (NEW with 66f3420, "a server that resumes a session below a push this hub had of
 * it"): on Redis, a server counts a session's fan-outs from what its subscriber heard; one that
 * has not heard a fan-out yet (in flight on the channel, or lost: `dropNext` stands for either)
 * counts the session lower than a worker that got that fan-out on another server. Resumed from
 * a cursor below its head (a hub rewound for a tab behind it), it answers `resumed` at its own
 * head, as the protocol says: an honest answer, the same session, whose later pushes go on
 * under the id. The hub (WireSession, as WireLink feeds it) takes that answer for another
 * session under the id (`ambiguous`): `#resumeRefused` leaves a live session, every tab is told
 * `resync` though the server said `resumed` (invariant "No spurious resync", sim/README.md), and
 * the unacknowledged sends go again under a new session.
 * Severity: medium (spurious resync of every tab and a needless new session; needs two server
 * processes on Redis, a socket that dies right after a fan-out and a behind tab's rejoin within
 * the channel's latency; not reachable in the sim, which runs one server process).
 * Seen: B answers {"$ts":"resumed","seq":1} to resume(last 0) after the worker had push 2 from A,
 * replays push 1, then, as A's next fan-out comes, pushes 2 "two" (A's push 2, the same number)
 * and 3 "three": one stream, which the hub before the change followed without a gap. Here
 * WireSession.ambiguous is true once it is fed B's answer (the assertion that fails).
 * On b458710 (before the change) `ambiguous` stays false: the test passes there.
 */
import type { createClient } from 'redis';
import { afterEach, expect, it } from 'vitest';
import { WireSession } from '../../worker/socket/wire-session';
import { Harness, type TestClient, waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';
import { createRedisStores, RedisFanout } from './index';

const shared = redisForTheFile();
const subscribers: ReturnType<typeof createClient>[] = [];
const fanouts: RedisFanout[] = [];
const harness = new Harness();

afterEach(async () => {
  for (const fanout of fanouts.splice(0)) await fanout.stop();
  for (const subscriber of subscribers.splice(0)) await subscriber.quit();
  await harness.dispose();
});

async function node(prefix: string) {
  const { replayStore } = createRedisStores(shared.client, { prefix });
  const subscriber = shared.client.duplicate();
  subscriber.on('error', () => {});
  await subscriber.connect();
  subscribers.push(subscriber);
  let dropping = 0;
  const cutOff = {
    subscribe: async (channel: string, listener: (message: string, channel: string) => unknown) => {
      await subscriber.subscribe(channel, (message, from) => {
        if (dropping > 0) dropping -= 1;
        else listener(message, from);
      });
    },
    unsubscribe: (channel: string) => subscriber.unsubscribe(channel),
  };
  const fanout = new RedisFanout({
    publisher: shared.client,
    subscriber: cutOff,
    prefix,
    store: replayStore,
  });
  fanouts.push(fanout);
  const started = await harness.start({
    replayStore,
    fanout,
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
  await fanout.start();
  const dropNext = (count: number) => {
    dropping = count;
  };
  return { ...started, fanout, dropNext };
}

function pushes(socket: TestClient): Array<{ seq: number }> {
  return socket.json().filter((frame) => (frame as { $ts?: string }).$ts === 'push') as Array<{
    seq: number;
  }>;
}

// Fixed: a session compares a server's answer with the push it was taken at (a tab's cursor),
// not with the pushes it heard on a server since (`WireSession.#takenAt`). Left: a hub that
// took the session from a tab's cursor of pushes one process made, resumed on a process that
// has not heard them, after a rewind, still leaves it (a resync for nothing).
it('keeps a session a server that has not heard a fan-out yet resumes below the push the hub had', async () => {
  const a = await node('r23k-a:');
  const b = await node('r23k-a:');
  const onA = await harness.connect(`${a.url}/?user=ann`);
  await onA.resume('s1');
  await a.server.push('ann', 'one');
  await waitUntil(() => pushes(onA).length === 1, 'push 1 on A');
  // B has not heard the second fan-out (in flight, or its message lost).
  b.dropNext(1);
  await a.server.push('ann', 'two');
  await waitUntil(() => pushes(onA).length === 2, 'push 2 on A');
  onA.socket.terminate();

  // The hub heard pushes 1 and 2 on A; a tab behind (cursor 0) rejoins before the next
  // resume: it rewinds.
  const session = new WireSession('s1', 0);
  session.accept(1);
  session.accept(2);
  session.rewind(0);
  const onB = await harness.connect(`${b.url}/?user=ann`);
  const answer = await onB.resume('s1', session.lastSeq, true);
  // An honest answer of the same session: resumed, at B's head.
  expect(answer).toMatchObject({ $ts: 'resumed', seq: 1 });
  // The same session: B goes on with A's push 2, under A's number, then 3.
  await a.server.push('ann', 'three');
  await waitUntil(() => pushes(onB).length === 3, 'the replay and two pushes on B');
  expect(pushes(onB)).toEqual([
    { $ts: 'push', seq: 1, text: 'one' },
    { $ts: 'push', seq: 2, text: 'two' },
    { $ts: 'push', seq: 3, text: 'three' },
  ]);
  session.answered(answer.seq as number);
  // The hub keeps it (WireLink.#ambiguous would leave it: every tab resyncs).
  expect(session.ambiguous).toBe(false);
}, 15_000);
