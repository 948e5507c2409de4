/**
 * Review 18g, of 31286a2 and f2a391a: a message whose id another process's claim holds
 * waits in the store, which asks Redis again every 100 ms on its clock (`#seen`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RedisReplayStore } from '../redis';
import { FakeClock } from '../test-support/fake-clock';
import { Harness, waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';

const shared = redisForTheFile();
const harness = new Harness();
afterEach(() => harness.dispose());

describe('a server closed while a message waits for the claim of a dead process', () => {
  // Invariant: no leaked timers; a closed server runs nothing (sim/README.md, Invariants;
  // the project's rule: every timer owned by one place that clears it).
  // Severity: low (a server closed in a deploy while a message of its waits: its store goes
  // on asking Redis every 100 ms for up to 10 s, then takes the id over for a claim that
  // nothing will pass on nor let go of (`takesMessages`), so that the worker's resend on the
  // next server, which met the dead claim first, meets this one and waits 10 s more: by
  // the code, not run here).
  // What I saw: 5 s after `close()` the store's poll timer is still pending and asking
  // Redis ("expected 1 to be +0"); review 18f's close test only checks the app.
  // NEW with 31286a2 (before it a message waited one round trip to Redis at most).
  // Suggested fix: `seen` takes an AbortSignal (the registry's, aborted on close) and stops
  // polling, rejecting, when it aborts; nothing is taken over then.
  // Fixed: the server's close ends the store's waits (`ReplayStore.close`, HeldClaims).
  it('stops asking Redis once closed', async () => {
    const prefix = `r18g-close${Math.random()}:`;
    const clock = new FakeClock(1_000);
    const started = await harness.start({
      replayStore: new RedisReplayStore(shared.client, { prefix }, clock),
      authenticate: () => 'ann',
    });
    const client = await harness.connect(started.url);
    await client.resume('s1');
    // Another process took message 1 of the session, and died before its app got it.
    const dead = new RedisReplayStore(shared.client, { prefix }, new FakeClock(1_000));
    expect(await dead.seenIfKept(JSON.stringify(['ann', 's1']), 1, 64)).toBe(false);
    client.send({ $ts: 'msg', id: 1, text: '"late"' });
    await waitUntil(() => clock.pending === 1, 'the first poll');
    await started.server.close();
    for (let poll = 0; poll < 50; poll++) {
      clock.advance(100);
      try {
        await waitUntil(() => clock.pending === 1, 'the next poll');
      } catch {
        break; // no poll any more: stopped
      }
    }
    expect(clock.pending).toBe(0);
  });
});
