/**
 * Review 19a, of 11b3c1a: `RedisReplayStore.keyOfLogin` is one HGET, made once. The `was`
 * check of a session no session of this process holds now asks it first, for every login,
 * the copy's own too, before SEEN_IF_KEPT; and SEEN_IF_KEPT is made up to three times
 * (`attempts`: "node-redis sends a command made while it reconnects once it is back, so a
 * second attempt waits for Redis rather than a timer"). A lookup that fails skips the check
 * (`passedOnBefore`: the next session decides).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, userAndLogin, waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';
import { RedisReplayStore } from './redis-replay-store';
import { SEEN_IF_KEPT } from './scripts';
import type { RedisCommandClient } from './store-options';

const shared = redisForTheFile();
const harness = new Harness();
afterEach(() => harness.dispose());

/**
 * The shared client, but the first command that `fails` picks is refused, as node-redis
 * refuses the commands in flight when its connection drops (it reconnects at once).
 */
function droppingOnce(fails: (args: ReadonlyArray<string>) => boolean): RedisCommandClient {
  let dropped = false;
  return {
    sendCommand: (args) => {
      if (!dropped && fails(args)) {
        dropped = true;
        return Promise.reject(new Error('Socket closed unexpectedly'));
      }
      return shared.client.sendCommand(args);
    },
  };
}

async function processOf(received: unknown[], prefix: string, client: RedisCommandClient) {
  const started = await harness.start({
    replayStore: new RedisReplayStore(client, { prefix, onError: () => {} }),
    authenticate: userAndLogin,
  });
  started.server.on('message', (_client, data) => received.push(data));
  started.server.on('storeError', () => {});
  return started.url;
}

/**
 * s1 of login l1 passes "pay once" on process A; its ack is lost; the worker goes on under s2
 * of the same login on process B (another build's worker took over, or a relay's owner), and
 * re-posts it naming s1, while B's connection to Redis drops once.
 */
async function appGets(dropsOnB: (args: ReadonlyArray<string>) => boolean): Promise<unknown[]> {
  const app: unknown[] = [];
  const prefix = `r19a-one-attempt${Math.random()}:`;
  const processA = await processOf(app, prefix, shared.client);
  const processB = await processOf(app, prefix, droppingOnce(dropsOnB));
  const first = (await harness.resumed(`${processA}/?user=ann&login=l1`, 's1')).client;
  first.send({ $ts: 'msg', id: 3, text: '"pay once"' });
  await waitUntil(() => app.length === 1, 'the app got message 3');
  first.socket.terminate();
  await first.closed;
  const next = (await harness.resumed(`${processB}/?user=ann&login=l1`, 's2')).client;
  await next.sendAcked({ id: 1, text: '"pay once"', was: { session: 's1', id: 3 } });
  return app;
}

describe("a `was` check of the login's own session on another process, Redis dropping once", () => {
  // What held: the same drop on SEEN_IF_KEPT itself is made again, and the check is made.
  it('is passed on once when the drop meets the check', async () => {
    const app = await appGets((args) => args[0] === 'EVAL' && args[1] === SEEN_IF_KEPT);
    expect(app).toEqual(['pay once']);
  });

  // Invariant: each send settles once; resolved = the app got it exactly once (on Redis,
  // twice only when a process that passed it on died or lost Redis > 10 s before PASSED:
  // here no process died, and B lost Redis for one command).
  // Severity: low (one connection drop at the instant of the lookup, on the process that
  // checks a `was`; the case of docs/redis.md's "behind a load balancer" where the old
  // session is held by another process: the most common `was` on Redis).
  // Story: as `appGets` says; the drop meets B's `keyOfLogin` HGET.
  // What I saw: the HGET is refused and not made again; `seenIn` rejects, `passedOnBefore`
  // reports it and lets s2 decide: new there, passed on again. The app gets "pay once" twice.
  // NEW with 11b3c1a: before it, this login's key was asked of SEEN_IF_KEPT alone, made again
  // on the drop (the test above). Also for a renewed login's `was` (review 18c's case): one
  // drop and the check is skipped.
  // Suggested fix: make the lookup with `attempts`, as `seen` is; or fold it into
  // SEEN_IF_KEPT (one script reads the name, then the session), which also makes the lookup
  // and the check one atomic step (a name that moves between them cannot be met).
  // Fixed: the lookup of the name is made again, as every call of the store is (`attempts`).
  it('is passed on once when the drop meets the lookup of the name', async () => {
    const app = await appGets((args) => args[0] === 'HGET' && String(args[1]).endsWith(':n'));
    expect(app).toEqual(['pay once']);
  });
});
