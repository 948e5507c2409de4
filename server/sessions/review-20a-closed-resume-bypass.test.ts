/**
 * Review 20a of cd3a412: review 19f's first story (a closed resume takes the store's mark of
 * a push not kept, and the hole it leaves answers the next resume resync), with one more push
 * in it, through a server's registry on Redis.
 */
import { expect, it } from 'vitest';
import { pushPayload } from '../stores/push-payload';
import { FakeClock } from '../test-support/fake-clock';
import { waitUntil } from '../test-support/harness';
import { refusingRedisStore } from '../test-support/push-not-kept';
import { redisForTheFile } from '../test-support/redis-server';
import { resumeOf, resumeSocket } from '../test-support/resume-socket';
import { SessionRegistry } from './session-registry';

const shared = redisForTheFile();

// Invariant: every push reaches every handle that wants it once, in order, or a `resync`
// comes before the first gap (sim/README.md "Invariants", Delivery).
// Severity: medium (a push lost with no resync, on one server; the session's head also goes
// back, from the hole to below it). Needs a push kept that the worker missed (its socket
// had dropped), a push Redis refused after it, and the worker's resume socket closing as it
// is read (or its answer lost): the `socket` and `redis-write` faults.
// Story: S has push 1 (written to the worker), then, its socket gone, push 2 (kept in Redis,
// not written) and push 3 (DIRECT refused: the store owes S a resync). The worker's resume
// from 1 closes as it is read: that read takes the mark and leaves the hole (head 3, both
// anchors at 3 in Redis). The worker's next resume, from 1 again, is counted from push 2 (a
// direct push after `last` is an anchor of its own, `anchorsFor`), under the hole: head 2,
// a replay of 2, `resumed`. Push 3 is a gap with no resync; the next push is numbered 3.
// What I saw: the second resume is attached with `replay` [2] and no `newId`, head 2.
// NEW in the sense that cd3a412 promises it ("every later resume from below it, on any
// server, resyncs"); without the extra push 2 the same story resyncs (review 19f's test).
// Before cd3a412 the first read already replayed over push 3 (nothing was marked).
// Suggested fix: `countResume` (or `#resume`) refuses a count that ends below the newest
// anchor's head Redis has (`record.cur.head`): a hole lies between, so no replay, and the
// head at least that anchor's.
// Fixed: a count ending below the newest anchor's head resyncs, counted from that anchor on.
it('resyncs the resume after a closed one left a hole, a missed push kept after its last', async () => {
  const prefix = `r20a-bypass${Math.random()}:`;
  const { store, refuse } = refusingRedisStore(shared.client, prefix);
  const registry = new SessionRegistry(
    store,
    { maxAge: 60_000, dedupeWindow: 8, maxPerUser: 16, maxTotal: 100, anonymous: false },
    new FakeClock(),
  );
  const written: string[] = [];
  const first = resumeSocket({ written });
  const attached = await resumeOf(registry, first, 0);
  if (attached.kind !== 'attached') throw new Error('not attached');
  registry.push(attached.session, pushPayload('"data":1'));
  await waitUntil(() => written.length === 1, 'push 1 written');
  registry.detach(attached.session, first);
  registry.push(attached.session, pushPayload('"data":2'));
  await waitUntil(() => attached.session.outbound.idle, 'push 2 kept');
  refuse.direct = true;
  registry.push(attached.session, pushPayload('"data":3'));
  await waitUntil(() => !refuse.direct, 'push 3 refused');

  expect(await resumeOf(registry, resumeSocket({ isOpen: false }), 1)).toEqual({
    kind: 'failed',
    reason: 'closed',
  });
  const next = await resumeOf(registry, resumeSocket(), 1);
  if (next.kind !== 'attached') throw new Error(`not attached: ${next.kind}`);
  expect(next.newId !== undefined || next.replay === undefined).toBe(true);
});
