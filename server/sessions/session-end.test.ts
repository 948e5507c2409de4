/**
 * Review of the 'logout' merge: attacks on the server's `end` (a worker's logout ends its
 * session) with the in-memory store. Guards: none of these broke an invariant.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, type TestClient, waitUntil } from '../test-support/harness';

const harness = new Harness();
afterEach(() => harness.dispose());

function pushesOf(client: TestClient) {
  return client.json().filter((frame) => (frame as { $ts?: string }).$ts === 'push');
}

function acksOf(client: TestClient) {
  return client.json().filter((frame) => (frame as { $ts?: string }).$ts === 'ack');
}

async function start() {
  return harness.start({
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
}

/** Waits until `client` has read a pong: every frame sent before its ping was handled. */
async function roundTrip(client: TestClient): Promise<void> {
  const pongs = client.messages.filter((text) => text === 'pong').length;
  client.send('ping');
  await waitUntil(
    () => client.messages.filter((text) => text === 'pong').length > pongs,
    'the pong',
  );
}

describe('end, from a socket that may not end the session', () => {
  it("another user's end of a session with the same id ends only that user's own", async () => {
    const { server, url } = await start();
    const ann = await harness.connect(`${url}/?user=ann`);
    await ann.resume('s1');
    const mallory = await harness.connect(`${url}/?user=mallory`);
    await mallory.resume('s1');
    mallory.send({ $ts: 'end', session: 's1', user: 'ann' });
    expect(await mallory.closed).toEqual({ code: 1000, reason: 'Session ended' });
    server.push('ann', 'still hers');
    await waitUntil(() => pushesOf(ann).length === 1, "ann's push");
    expect(server.stats().sessions).toBe(1);
  });

  it('an end before the resume is a plain client speaking: the app gets it, no session ends', async () => {
    const { server, url } = await start();
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const ann = await harness.connect(`${url}/?user=ann`);
    await ann.resume('s1');
    const early = await harness.connect(`${url}/?user=ann`);
    await early.waitForMessage((text) => text.includes('"hello"'), 'hello');
    early.send({ $ts: 'end' });
    await waitUntil(() => received.length === 1, 'the frame in the app');
    expect(received).toEqual([{ $ts: 'end' }]);
    server.push('ann', 'after');
    await waitUntil(() => pushesOf(ann).length === 1, "the session's push");
    expect(server.stats().sessions).toBe(1);
  });

  it('a message written after end is neither passed on nor acked; one before is, once', async () => {
    const { server, url } = await start();
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const ann = await harness.connect(`${url}/?user=ann`);
    await ann.resume('s1');
    ann.send({ $ts: 'msg', id: 1, text: '"before"' });
    ann.send({ $ts: 'end' });
    ann.send({ $ts: 'msg', id: 2, text: '"after"' });
    ann.send({ $ts: 'end' });
    expect(await ann.closed).toEqual({ code: 1000, reason: 'Session ended' });
    expect(received).toEqual(['before']);
    expect(acksOf(ann)).toEqual([{ $ts: 'ack', id: 1 }]);
    // A resume of it afterwards (a cursor of the ended login that heard a push): a new
    // session, where id 1 is new. (With `last` 0 and no `held`, as a brand-new session's
    // first resume, the server starts a fresh session under the same id: it cannot tell.)
    const again = await harness.connect(`${url}/?user=ann`);
    expect(await again.resume('s1', 1)).toMatchObject({ $ts: 'resync', seq: 0 });
    again.send({ $ts: 'msg', id: 1, text: '"next login"' });
    await roundTrip(again);
    expect(received).toEqual(['before', 'next login']);
  });
});
