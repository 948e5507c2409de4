/**
 * Review 18f, of 31286a2: a message whose id another process's claim holds waits in the
 * store (SEEN answers HELD; `RedisReplayStore` asks again every 100 ms on its clock).
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
  // Invariant: no leaked timers, a closed (killed) server runs nothing (sim/README.md; the
  // project's rule: every timer owned by one place that clears it).
  // Severity: low (a server closed, e.g. in a deploy, while a message of its polls HELD:
  // for up to 10 s its store goes on asking Redis, then takes the id over and the closed
  // server hands the message to its app and sends PASSED; an app that tore down on close
  // gets a message after it).
  // What I saw: the closed server's app got "late" (`['late']`, expected `[]`) once the
  // store's poll timer (on its clock, which `close()` knows nothing of) ran on 10 s after
  // the close; nothing clears it, nor stops the socket's inbound queue.
  // NEW with 31286a2 (before it a message waited one round trip to Redis at most).
  // Suggested fix: the store's polls stop on `close()` (a `RedisReplayStore.close`, or an
  // AbortSignal the registry passes to `seen`), and a frame handler drops a message whose
  // socket is gone once the store answers (the worker resends it on its next socket).
  // Fixed: a message the store answers once the server closed is neither passed on nor let
  // go of (`takesMessages`): the claim stays for the worker's resend on its next socket.
  it('hands nothing to its app after close()', async () => {
    const prefix = `r18f-close${Math.random()}:`;
    const clock = new FakeClock(1_000);
    const app: unknown[] = [];
    const started = await harness.start({
      replayStore: new RedisReplayStore(shared.client, { prefix }, clock),
      authenticate: () => 'ann',
    });
    started.server.on('message', (_client, data) => app.push(data));
    const client = await harness.connect(started.url);
    const answer = (await client.resume('s1')) as { session?: string };
    const session = answer.session ?? 's1';
    // Another process took message 1 of the session, and died before its app got it.
    const dead = new RedisReplayStore(shared.client, { prefix }, new FakeClock(1_000));
    // (`seenIfKept`: this one no longer owns the session, the live server resumed it.)
    expect(await dead.seenIfKept(JSON.stringify(['ann', session]), 1, 64)).toBe(false);
    client.send({ $ts: 'msg', id: 1, text: '"late"' });
    await waitUntil(() => clock.pending === 1, 'the first poll');
    await started.server.close();
    // Past the 10 s a wait for the dead claim takes, whether or not the store still waits.
    for (let poll = 0; poll <= 100; poll++) {
      clock.advance(100);
      await new Promise((next) => setImmediate(next));
    }
    expect(app).toEqual([]);
  });
});
