/** Resumable sessions end to end: real `ws` clients speaking the worker's side of the protocol. */
import { afterEach, describe, expect, it } from 'vitest';
import type { TabSocketServerOptions } from './options';
import { Harness, type TestClient, waitUntil } from './test-support/harness';

const harness = new Harness();
afterEach(() => harness.dispose());

/** A client that resumes `session` after `last`, as the worker does after the hello. */
async function resumed(url: string, session: string, last = 0): Promise<TestClient> {
  const client = await harness.connect(url);
  await client.waitForMessage((text) => text.includes('"hello"'));
  client.send({ $ts: 'resume', session, last });
  await client.waitForMessage((text) => /"\$ts":"(resumed|resync)"/.test(text));
  return client;
}

function pushesOf(client: TestClient) {
  return client.json().filter((frame) => (frame as { $ts?: string }).$ts === 'push') as Array<{
    seq: number;
    data?: unknown;
    text?: string;
  }>;
}

async function start(options: Omit<TabSocketServerOptions, 'port' | 'host'> = {}) {
  return harness.start({
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
    ...options,
  });
}

describe('sessions', () => {
  it('numbers the pushes of a resumed session and wraps their payload', async () => {
    const { server, url } = await start();
    const client = await resumed(`${url}/?user=ann`, 's1');
    expect(client.json()).toContainEqual({ $ts: 'resumed', seq: 0 });
    server.push('ann', { n: 1 });
    server.push('ann', 'plain text');
    await waitUntil(() => pushesOf(client).length === 2, 'two pushes');
    expect(client.messages.slice(-2)).toEqual([
      '{"$ts":"push","seq":1,"data":{"n":1}}',
      '{"$ts":"push","seq":2,"text":"plain text"}',
    ]);
  });

  it('keeps pushes while the worker is away and replays what it missed on resume', async () => {
    const { server, url } = await start();
    const first = await resumed(`${url}/?user=ann`, 's1');
    server.push('ann', { n: 1 });
    await waitUntil(() => pushesOf(first).length === 1, 'push 1');
    first.socket.terminate();
    await first.closed;
    expect(server.push('ann', { n: 2 })).toBe(0);
    server.push('ann', { n: 3 });
    const second = await resumed(`${url}/?user=ann`, 's1', 1);
    expect(second.json()).toContainEqual({ $ts: 'resumed', seq: 3 });
    await waitUntil(() => pushesOf(second).length === 2, 'the replay');
    expect(pushesOf(second).map((push) => push.seq)).toEqual([2, 3]);
    server.push('ann', { n: 4 });
    await waitUntil(() => pushesOf(second).length === 3, 'a live push');
    expect(pushesOf(second).at(-1)).toEqual({ $ts: 'push', seq: 4, data: { n: 4 } });
  });

  it('answers resync when the gap is older than the log, and the stream goes on', async () => {
    const { server, url } = await start({ replay: { maxCount: 2 } });
    const first = await resumed(`${url}/?user=ann`, 's1');
    first.socket.terminate();
    await first.closed;
    for (let n = 1; n <= 5; n++) server.push('ann', { n });
    const second = await resumed(`${url}/?user=ann`, 's1', 0);
    expect(second.json()).toContainEqual({ $ts: 'resync', seq: 5 });
    server.push('ann', { n: 6 });
    await waitUntil(() => pushesOf(second).length === 1, 'the next push');
    expect(pushesOf(second)[0]?.seq).toBe(6);
  });

  it('answers resync to a worker whose session the server does not know (a restart)', async () => {
    const { url } = await start();
    const client = await resumed(`${url}/?user=ann`, 'forgotten', 42);
    expect(client.json()).toContainEqual({ $ts: 'resync', seq: 0 });
  });

  it('passes a message on once and acks it every time it is resent', async () => {
    const { server, url } = await start();
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const client = await resumed(`${url}/?user=ann`, 's1');
    client.send({ $ts: 'msg', id: 1, text: '{"hi":1}' });
    client.send({ $ts: 'msg', id: 1, text: '{"hi":1}' });
    client.send({ $ts: 'msg', id: 2, text: 'plain' });
    await waitUntil(
      () => client.messages.filter((text) => text.includes('"ack"')).length === 3,
      'three acks',
    );
    expect(received).toEqual([{ hi: 1 }, 'plain']);
    expect(client.json().filter((frame) => (frame as { $ts?: string }).$ts === 'ack')).toEqual([
      { $ts: 'ack', id: 1 },
      { $ts: 'ack', id: 1 },
      { $ts: 'ack', id: 2 },
    ]);
  });

  it('dedupes messages resent on a new socket of the same session', async () => {
    const { server, url } = await start();
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const first = await resumed(`${url}/?user=ann`, 's1');
    first.send({ $ts: 'msg', id: 1, text: '"once"' });
    await waitUntil(() => received.length === 1, 'the message');
    first.socket.terminate();
    const second = await resumed(`${url}/?user=ann`, 's1');
    second.send({ $ts: 'msg', id: 1, text: '"once"' });
    await second.waitForMessage((text) => text === '{"$ts":"ack","id":1}');
    expect(received).toEqual(['once']);
  });

  it('takes a session over from a half-open socket of the same worker', async () => {
    const { server, url } = await start();
    const stale = await resumed(`${url}/?user=ann`, 's1');
    const fresh = await resumed(`${url}/?user=ann`, 's1');
    await stale.closed;
    server.push('ann', { n: 1 });
    await waitUntil(() => pushesOf(fresh).length === 1, 'the push on the fresh socket');
    expect(pushesOf(stale)).toEqual([]);
  });

  it("never lets one user's socket resume another user's session", async () => {
    const { server, url } = await start();
    const ann = await resumed(`${url}/?user=ann`, 'shared-id');
    const bob = await resumed(`${url}/?user=bob`, 'shared-id');
    server.push('ann', { for: 'ann' });
    await waitUntil(() => pushesOf(ann).length === 1, "ann's push");
    expect(pushesOf(bob)).toEqual([]);
    expect(server.stats().sessions).toBe(2);
  });

  it('publishes to sessions by their topics, also while their worker is away', async () => {
    const { server, url } = await start();
    const first = await resumed(`${url}/?user=ann`, 's1');
    first.send({ $ts: 'sub', topics: ['prices'] });
    await waitUntil(() => server.publish('prices', { p: 1 }) === 1, 'the subscription');
    first.socket.terminate();
    await first.closed;
    server.publish('prices', { p: 2 });
    server.publish('news', { n: 1 });
    const second = await resumed(`${url}/?user=ann`, 's1', 1);
    await waitUntil(() => pushesOf(second).length === 1, 'the replayed publish');
    expect(pushesOf(second)[0]).toEqual({ $ts: 'push', seq: 2, data: { topic: 'prices', p: 2 } });
  });

  it('sends a client that never resumed plain frames, as before', async () => {
    const { server, url } = await start();
    const plain = await harness.connect(`${url}/?user=ann`);
    server.push('ann', { n: 1 });
    await plain.waitForMessage((text) => text === '{"n":1}');
  });

  it('refuses a message before resume, and a second resume, with an error frame', async () => {
    const { server, url } = await start();
    const client = await harness.connect(`${url}/?user=ann`);
    client.send({ $ts: 'msg', id: 1, text: 'x' });
    await client.waitForMessage((text) => text.includes('needs a \\"resume\\" first'));
    client.send({ $ts: 'resume', session: 's', last: 0 });
    client.send({ $ts: 'resume', session: 's', last: 0 });
    await client.waitForMessage((text) => text.includes('once per socket'));
    expect(server.stats().malformedFrames).toBe(2);
  });

  it('makes a push sent plainly between hello and resume the first push of a new session', async () => {
    const { server, url } = await start();
    const client = await harness.connect(`${url}/?user=ann`);
    await client.waitForMessage((text) => text.includes('"hello"'));
    server.push('ann', { early: true });
    await client.waitForMessage((text) => text === '{"early":true}');
    client.send({ $ts: 'resume', session: 'new', last: 0 });
    await waitUntil(() => pushesOf(client).length === 1, 'the early push, numbered');
    // As `text`: the frame exactly as it went plainly, which the worker reads the same way.
    expect(pushesOf(client)[0]).toEqual({ $ts: 'push', seq: 1, text: '{"early":true}' });
  });

  it('replays a push sent plainly before the resume of an existing session once', async () => {
    const { server, url } = await start();
    const first = await resumed(`${url}/?user=ann`, 's1');
    first.socket.terminate();
    await first.closed;
    const second = await harness.connect(`${url}/?user=ann`);
    await second.waitForMessage((text) => text.includes('"hello"'));
    server.push('ann', { n: 1 });
    await second.waitForMessage((text) => text === '{"n":1}');
    second.send({ $ts: 'resume', session: 's1', last: 0 });
    await waitUntil(() => pushesOf(second).length === 1, 'the replay');
    server.push('ann', { n: 2 });
    await waitUntil(() => pushesOf(second).length === 2, 'the next push');
    expect(pushesOf(second).map((push) => push.seq)).toEqual([1, 2]);
  });

  it('takes a client that speaks before resuming for plain, and refuses its later resume', async () => {
    const { server, url } = await start();
    const client = await harness.connect(`${url}/?user=ann`);
    client.send('ping');
    await client.waitForMessage((text) => text === 'pong');
    client.send({ $ts: 'resume', session: 's', last: 0 });
    await client.waitForMessage((text) => text.includes('must come first'));
    expect(server.stats().sessions).toBe(0);
  });

  it('forgets a session whose worker stays away longer than maxAge', async () => {
    const { server, url } = await start({ replay: { maxAge: 50 } });
    const client = await resumed(`${url}/?user=ann`, 's1');
    client.socket.terminate();
    await client.closed;
    // The sweep runs at least every second; the session must go by then.
    await waitUntil(() => server.stats().sessions === 0, 'the session to expire');
  });
});
