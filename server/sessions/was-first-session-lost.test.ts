/**
 * Review 16 (an attack on 078573b (b): a renumbered send keeps the first session it may have
 * been written in as its `was`). The worker's own switches (`WireLink.#takeSession`: a
 * cursor of a newer session learnt) name the session left, which the server may hold still;
 * but it forgets it `maxAge` after the worker left it, or loses it in a restart. A `was`
 * naming the first session checks nothing once that one is gone, while the session the send
 * was written in since (left later, still held) is no longer named.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, type TestClient } from '../test-support/harness';

const harness = new Harness();
afterEach(() => harness.dispose());

async function start() {
  const started = await harness.start({
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
  const app: unknown[] = [];
  started.server.on('message', (_client, data) => app.push(data));
  /** Ann's worker attached to `session`. */
  const worker = async (session: string): Promise<TestClient> => {
    const client = await harness.connect(`${started.url}/?user=ann`);
    await client.resume(session, 0);
    return client;
  };
  return { app, worker };
}

describe('a send switched twice, its first session lost by the server', () => {
  // Invariant: each send settles once (resolved = the server's app got it exactly once).
  // Severity: low-medium (the app gets a send twice; needs two worker-side switches before
  // the send's ack, and the first session gone from the server by the third copy: lost in a
  // restart, or forgotten past `maxAge` while the send waited, e.g. offline). What I saw:
  // the frames are those `SendQueue` writes now (worker/socket/send-switched-twice.test.ts,
  // its second test: the third copy names S1 with S1's id). Here s1 is one this server does
  // not hold: the copy under s2 {id 1, was s1:3} is passed on and recorded under s2 only
  // (`SessionRegistry.seenIn` records nothing for a session it does not hold); its ack is
  // lost, the worker moves to s3 and writes {id 1, was s1:3} again (`requeueUnacked` keeps
  // the first `was`): s1 is still unknown, and the app gets it a second time. (With s1 held
  // when s2's copy is read, s1:3 is recorded there; s1 forgotten before s3's copy, the
  // same.) NEW with 078573b: before it the third copy named s2, which the server holds, and
  // it was dropped (the second test). Fixed: the third copy names s2 too, in `also` (the
  // sessions after `was`), and the server checks each (worker/socket/send-switched-twice.test.ts
  // has the frames `SendQueue` writes).
  it('passes it on once', async () => {
    const { app, worker } = await start();
    // s1 is a session this server never held (lost in a restart): its copy is not here.
    const second = await worker('s2');
    await second.sendAcked({ id: 1, text: '"once"', was: { session: 's1', id: 3 } });
    const third = await worker('s3');
    const was = { session: 's1', id: 3 };
    await third.sendAcked({ id: 1, text: '"once"', was, also: [{ session: 's2', id: 1 }] });
    expect(app).toEqual(['once']);
  });

  it('passes it on once when the first session it names is held and the second is not', async () => {
    const { app, worker } = await start();
    const first = await worker('s1');
    await first.sendAcked({ id: 3, text: '"once"' });
    const third = await worker('s3');
    const was = { session: 's1', id: 3 };
    await third.sendAcked({ id: 1, text: '"once"', was, also: [{ session: 's2', id: 1 }] });
    expect(app).toEqual(['once']);
  });

  // The same two copies, as `SendQueue` wrote them before 078573b (was: the session left):
  // the server drops the third.
  it('passes it on once when the third copy names the session it was written in last', async () => {
    const { app, worker } = await start();
    const second = await worker('s2');
    await second.sendAcked({ id: 1, text: '"once"', was: { session: 's1', id: 3 } });
    const third = await worker('s3');
    await third.sendAcked({ id: 1, text: '"once"', was: { session: 's2', id: 1 } });
    expect(app).toEqual(['once']);
  });
});
