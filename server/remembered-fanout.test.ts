/**
 * Found by the simulation in this review (sim/written-plans.test.ts, seed 7101's plan; seed 2's
 * reload as a push comes too): a push made while two sockets of one session had not
 * resumed yet was logged in the session once per socket. Fixed by `Session.takenOver`; on
 * the in-memory store and on Redis, whose resumes are answered later, one after the other.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisStores } from './redis';
import type { ReplayStore } from './stores/replay-store';
import { Harness, type TestClient, waitUntil } from './test-support/harness';
import { redisForTheFile } from './test-support/redis-server';

const shared = redisForTheFile();
const harness = new Harness();
afterEach(() => harness.dispose());

const STORES: Array<{ store: string; stores: () => { replayStore?: ReplayStore } }> = [
  { store: 'the in-memory store', stores: () => ({}) },
  {
    store: 'Redis',
    stores: () => createRedisStores(shared.client, { prefix: 'remembered:' }),
  },
];

function pushesOf(client: TestClient) {
  return client.json().filter((frame) => (frame as { $ts?: string }).$ts === 'push') as Array<{
    seq: number;
    text?: string;
  }>;
}

describe.each(STORES)(
  'pushes remembered by two sockets of one session, on $store',
  ({ stores }) => {
    it('logs a push made before the session existed here once, though both sockets that resume it remembered it', async () => {
      // A worker wrote its resume and died; the fresh worker's socket opened and resumes the
      // same session (from the tabs' cursor). A push came while neither resume had arrived:
      // both sockets got it plainly and remember it. The first resume creates the session
      // (born after that fan-out) and logs the push as #1; the second finds the fan-out not
      // "logged" by the session (`logged` counts only fan-outs after its birth) and logs it
      // again as #2: the worker, resuming at last 0, hears it twice.
      // Invariant: each push reaches each tab once (docs/design.md, Delivery guarantees).
      const { server, url } = await harness.start({
        ...stores(),
        authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
      });
      const dying = await harness.connect(`${url}/?user=ann`);
      const fresh = await harness.connect(`${url}/?user=ann`);
      await dying.nonce();
      await fresh.nonce();
      server.push('ann', 'one');
      await waitUntil(
        () => dying.messages.includes('one') && fresh.messages.includes('one'),
        'the plain copies',
      );
      await dying.resume('s', 0);
      await fresh.resume('s', 0);
      server.push('ann', 'two');
      await waitUntil(() => pushesOf(fresh).some((push) => push.text === 'two'), 'push two');
      expect(pushesOf(fresh).map((push) => push.text)).toEqual(['one', 'two']);
    });
  },
);
