/** Resumable sessions end to end: real `ws` clients speaking the worker's side of the protocol. */
import { afterEach, describe, expect, it } from 'vitest';
import type { TabSocketServerOptions } from '../options';
import type { TabSocketClient } from '../sockets/connected-client';
import { Harness, type TestClient, waitUntil } from '../test-support/harness';

const harness = new Harness();
afterEach(() => harness.dispose());

/** A client that resumes `session` after `last`, as the worker does after the hello. */
async function resumed(url: string, session: string, last = 0): Promise<TestClient> {
  const client = await harness.connect(url);
  await client.resume(session, last);
  return client;
}

/** The answer to the resume (`resumed` or `resync`), without its nonce. */
function answerOf(client: TestClient): unknown {
  const answer = client
    .json()
    .find((frame) => ['resumed', 'resync'].includes((frame as { $ts?: string }).$ts ?? '')) as
    | Record<string, unknown>
    | undefined;
  if (!answer) return undefined;
  expect(answer.nonce).toEqual(expect.any(String));
  const { nonce: _, ...rest } = answer;
  return rest;
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
    expect(answerOf(client)).toEqual({ $ts: 'resumed', seq: 0 });
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
    expect(answerOf(second)).toEqual({ $ts: 'resumed', seq: 3 });
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
    expect(answerOf(second)).toEqual({ $ts: 'resync', seq: 5 });
    server.push('ann', { n: 6 });
    await waitUntil(() => pushesOf(second).length === 1, 'the next push');
    expect(pushesOf(second)[0]?.seq).toBe(6);
  });

  it('starts a new session for a worker whose session the server does not know (a restart)', async () => {
    const { server, url } = await start();
    // The connection handler's push goes out before the resume: it is the new stream's first.
    server.on('connection', (client) => client.send({ welcome: true }));
    const client = await resumed(`${url}/?user=ann`, 'forgotten', 42);
    const answer = answerOf(client) as { session: string };
    // `whole`: the welcome, written before the resume, is in the new stream too.
    expect(answer).toEqual({
      $ts: 'resync',
      seq: 0,
      session: expect.stringMatching(/^\w{32}$/),
      whole: true,
    });
    server.push('ann', { n: 1 });
    await waitUntil(() => pushesOf(client).length === 2, 'the new stream');
    // The welcome went out plainly too, before the resume: the worker drops that copy.
    const kinds = client.json().map((frame) => (frame as { $ts?: string }).$ts);
    expect(kinds).toEqual(['hello', undefined, 'resync', 'push', 'push']);
    expect(pushesOf(client)).toEqual([
      { $ts: 'push', seq: 1, data: { welcome: true } },
      { $ts: 'push', seq: 2, data: { n: 1 } },
    ]);
    // The old id is not kept, and the new one is the session's: it resumes.
    expect(server.stats().sessions).toBe(1);
    client.socket.terminate();
    await client.closed;
    const back = await resumed(`${url}/?user=ann`, answer.session, 2);
    expect(answerOf(back)).toEqual({ $ts: 'resumed', seq: 2 });
  });

  it('keeps the id of a session the server does not know when the worker holds no push of it', async () => {
    const { url } = await start();
    const client = await resumed(`${url}/?user=ann`, 'new-session', 0);
    expect(answerOf(client)).toEqual({ $ts: 'resumed', seq: 0 });
  });

  it('starts a new session for a session it does not know that a server attached before, with no push of it', async () => {
    // Found by the simulation: a push made while the socket was half-open never reached the
    // worker (last 0), then the server restarted without its sessions: keeping the id
    // would have lost that push without a resync.
    const { url } = await start();
    const client = await harness.connect(`${url}/?user=ann`);
    const nonce = await client.nonce();
    client.send({ $ts: 'resume', nonce, session: 'held-session', last: 0, held: true });
    await client.waitForMessage((text) => text.includes('"$ts":"resync"'), 'the resync');
    const answer = answerOf(client) as { $ts: string; seq: number; session?: string };
    expect(answer).toMatchObject({ $ts: 'resync', seq: 0 });
    expect(answer.session).toEqual(expect.any(String));
    expect(answer.session).not.toBe('held-session');
  });

  it("ends a session on its worker's end frame: acks what came before, closes, and resyncs a later resume of it under a new id", async () => {
    // Found by the simulation (push after logout): a cursor of a login that had just ended
    // (a reloaded page's, a dying worker's) resumed its session for the next login.
    const { server, url } = await start();
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const client = await resumed(`${url}/?user=ann`, 's1');
    server.push('ann', { n: 1 });
    await waitUntil(() => pushesOf(client).length === 1, 'push 1');
    client.send({ $ts: 'msg', id: 1, text: '"last words"' });
    client.send({ $ts: 'end' });
    expect(await client.closed).toEqual({ code: 1000, reason: 'Session ended' });
    expect(client.messages.at(-1)).toBe('{"$ts":"ack","id":1}');
    expect(received).toEqual(['last words']);
    expect(server.stats().sessions).toBe(0);
    server.push('ann', { n: 2 });
    const next = await resumed(`${url}/?user=ann`, 's1', 1);
    const answer = answerOf(next) as { $ts: string; session?: string };
    expect(answer).toMatchObject({ $ts: 'resync', seq: 0 });
    expect(answer.session).not.toBe('s1');
  });

  it('numbers on from a last beyond the stream under the same id, keeping its message ids', async () => {
    const { server, url } = await start();
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const first = await resumed(`${url}/?user=ann`, 's1');
    server.push('ann', { n: 1 });
    first.send({ $ts: 'msg', id: 1, text: '"once"' });
    await waitUntil(() => received.length === 1, 'push 1 and the message');
    first.socket.terminate();
    await first.closed;
    const second = await resumed(`${url}/?user=ann`, 's1', 7);
    // One past the worker's last: a resume from 7 again (this answer lost) resyncs too.
    expect(answerOf(second)).toEqual({ $ts: 'resync', seq: 8, lastId: 1 });
    second.send({ $ts: 'msg', id: 1, text: '"once"' });
    await second.waitForMessage((text) => text === '{"$ts":"ack","id":1}');
    server.push('ann', { n: 2 });
    await waitUntil(() => pushesOf(second).length === 1, 'the next push');
    expect(pushesOf(second)).toEqual([{ $ts: 'push', seq: 9, data: { n: 2 } }]);
    expect(received).toEqual(['once']);
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

  it("passes the app a message's value and its own text, not the frame around it", async () => {
    const { server, url } = await start();
    const received: Array<[unknown, string | null]> = [];
    server.on('message', (_client, data, text) => received.push([data, text]));
    const worker = await resumed(`${url}/?user=ann`, 's1');
    worker.send({ $ts: 'msg', id: 1, text: '{"chat":"hi"}' });
    worker.send({ $ts: 'msg', id: 2, text: 'plain words' });
    await waitUntil(() => received.length === 2, 'the messages');
    expect(received).toEqual([
      [{ chat: 'hi' }, '{"chat":"hi"}'],
      ['plain words', 'plain words'],
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

  it('tells a resumed worker the highest message id the session passed on (lastId)', async () => {
    const { server, url } = await start();
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const first = await resumed(`${url}/?user=ann`, 's1');
    first.send({ $ts: 'msg', id: 1, text: '"one"' });
    first.send({ $ts: 'msg', id: 70, text: '"seventy"' });
    await waitUntil(() => received.length === 2, 'the messages');
    first.socket.terminate();
    await first.closed;
    server.push('ann', { n: 1 });
    // A worker resuming from a cursor that predates those ids numbers its next above 70.
    expect(answerOf(await resumed(`${url}/?user=ann`, 's1'))).toEqual({
      $ts: 'resumed',
      seq: 1,
      lastId: 70,
    });
    // Behind the log too (a resync of the same session), and never for a new session.
    const behind = await start({ replay: { maxCount: 1 } });
    const gone = await resumed(`${behind.url}/?user=bob`, 's2');
    gone.send({ $ts: 'msg', id: 3, text: '"three"' });
    await gone.waitForMessage((text) => text === '{"$ts":"ack","id":3}');
    gone.socket.terminate();
    await gone.closed;
    behind.server.push('bob', 1);
    behind.server.push('bob', 2);
    expect(answerOf(await resumed(`${behind.url}/?user=bob`, 's2'))).toEqual({
      $ts: 'resync',
      seq: 2,
      lastId: 3,
    });
    expect(answerOf(await resumed(`${behind.url}/?user=bob`, 'unknown-session-0001', 5))).toEqual({
      $ts: 'resync',
      seq: 0,
      session: expect.any(String),
      whole: true,
    });
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

  it('refuses a second resume on a session socket with an error frame without nonce', async () => {
    const { server, url } = await start();
    const client = await resumed(`${url}/?user=ann`, 's1');
    const nonce = await client.nonce();
    client.send({ $ts: 'resume', nonce, session: 's2', last: 0 });
    const error = await client.waitForMessage((text) => text.includes('"error"'));
    expect(JSON.parse(error)).toEqual({
      $ts: 'error',
      code: 'unexpected',
      message: expect.stringContaining('once per socket'),
    });
    expect(server.stats()).toMatchObject({ malformedFrames: 1, sessions: 1 });
  });

  it('answers a sub over its limits with too-large, naming the sub; the topics stay as they were', async () => {
    const { server, url } = await start();
    const client = await resumed(`${url}/?user=ann`, 's1');
    client.send({ $ts: 'sub', topics: ['good'] });
    client.send({ $ts: 'sub', topics: ['good', 'x'.repeat(257)] });
    const error = await client.waitForMessage((text) => text.includes('"error"'));
    expect(JSON.parse(error)).toEqual({
      $ts: 'error',
      code: 'too-large',
      message: expect.stringContaining('at most 256 characters'),
      refused: 'sub',
    });
    server.publish('good', { topic: 'good', n: 1 });
    await client.waitForMessage((text) => text.includes('"n":1'));
  });

  it('makes a push sent plainly between hello and resume the first push of a new session', async () => {
    const { server, url } = await start();
    const client = await harness.connect(`${url}/?user=ann`);
    const nonce = await client.nonce();
    server.push('ann', { early: true });
    await client.waitForMessage((text) => text === '{"early":true}');
    client.send({ $ts: 'resume', nonce, session: 'new', last: 0 });
    await waitUntil(() => pushesOf(client).length === 1, 'the early push, numbered');
    expect(pushesOf(client)[0]).toEqual({ $ts: 'push', seq: 1, data: { early: true } });
  });

  it('replays a push sent plainly before the resume of an existing session once', async () => {
    const { server, url } = await start();
    const first = await resumed(`${url}/?user=ann`, 's1');
    first.socket.terminate();
    await first.closed;
    const second = await harness.connect(`${url}/?user=ann`);
    const nonce = await second.nonce();
    server.push('ann', { n: 1 });
    await second.waitForMessage((text) => text === '{"n":1}');
    second.send({ $ts: 'resume', nonce, session: 's1', last: 0 });
    await waitUntil(() => pushesOf(second).length === 1, 'the replay');
    server.push('ann', { n: 2 });
    await waitUntil(() => pushesOf(second).length === 2, 'the next push');
    expect(pushesOf(second).map((push) => push.seq)).toEqual([1, 2]);
  });

  it('takes a client that speaks before resuming for plain: its later resume is app data', async () => {
    const { server, url } = await start();
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const client = await harness.connect(`${url}/?user=ann`);
    const nonce = await client.nonce();
    client.send('ping');
    await client.waitForMessage((text) => text === 'pong');
    client.send({ $ts: 'resume', nonce, session: 's', last: 0 });
    await waitUntil(() => received.length === 1, 'the resume at the app');
    expect(received).toEqual([{ $ts: 'resume', nonce, session: 's', last: 0 }]);
    expect(server.stats()).toMatchObject({ sessions: 0, malformedFrames: 0 });
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

/** The 32 hex digits of a worker's session id. */
const workerSessionId = (n: number) => n.toString(16).padStart(32, '0');

function errorsOf(client: TestClient) {
  return client.json().filter((frame) => (frame as { $ts?: string }).$ts === 'error') as Array<
    Record<string, unknown>
  >;
}

describe('the nonce of hello', () => {
  it('takes a resume without the nonce, or with another, for app data of a plain client', async () => {
    const { server, url } = await start();
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const forged = [
      { $ts: 'resume', session: 's1', last: 0 },
      { $ts: 'resume', nonce: 'A'.repeat(22), session: 's1', last: 0 },
    ];
    for (const frame of forged) {
      const client = await harness.connect(`${url}/?user=ann`);
      await client.nonce();
      client.send(frame);
      await waitUntil(() => received.length === forged.indexOf(frame) + 1, 'the frame at the app');
      server.push('ann', { after: true });
      await client.waitForMessage((text) => text === '{"after":true}', 'a plain push');
    }
    expect(received).toEqual(forged);
    expect(server.stats()).toMatchObject({ sessions: 0, malformedFrames: 0 });
  });

  it('gives every socket its own nonce of at least 16 characters', async () => {
    const { url } = await start();
    const nonces = [
      await (await harness.connect(`${url}/?user=ann`)).nonce(),
      await (await harness.connect(`${url}/?user=ann`)).nonce(),
    ];
    expect(nonces[0]).not.toBe(nonces[1]);
    for (const nonce of nonces) expect(nonce.length).toBeGreaterThanOrEqual(16);
  });

  it('passes every frame of a plain client to the app, control frames included', async () => {
    const { server, url } = await start();
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const client = await harness.connect(`${url}/?user=ann`);
    const frames = [
      { $ts: 'sub', topics: ['t'] },
      { $ts: 'msg', id: 1, text: 'x' },
      { $ts: 'ack', id: 1 },
      { $ts: 'nope' },
      { $ts: 7 },
    ];
    for (const frame of frames) client.send(frame);
    client.send('{"$ts":"sub","topics":[');
    await waitUntil(() => received.length === frames.length + 1, 'every frame at the app');
    expect(received).toEqual([...frames, '{"$ts":"sub","topics":[']);
    // Its sub named no topic: publish reaches workers only.
    expect(server.publish('t', { n: 1 })).toBe(0);
    expect(server.stats().malformedFrames).toBe(0);
    expect(errorsOf(client)).toEqual([]);
  });

  it('makes a plain client of one that sends binary first', async () => {
    const { server, url } = await start();
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const client = await harness.connect(`${url}/?user=ann`);
    const nonce = await client.nonce();
    client.socket.send(Buffer.from([1, 2, 3]));
    client.send({ $ts: 'resume', nonce, session: 's1', last: 0 });
    await waitUntil(() => received.length === 2, 'both frames at the app');
    expect(server.stats().sessions).toBe(0);
  });

  it('writes no raw frame to a session socket: client.send goes as a numbered push', async () => {
    const { server, url } = await start();
    const connected = new Promise<TabSocketClient>((resolve) => server.once('connection', resolve));
    const client = await resumed(`${url}/?user=ann`, 's1');
    const serverSide = await connected;
    expect(serverSide.send({ $ts: 'ack', id: 99 })).toBe(true);
    expect(serverSide.send('{"$ts":"push","seq":50,"data":1}')).toBe(true);
    await waitUntil(() => pushesOf(client).length === 2, 'two pushes');
    expect(pushesOf(client)).toEqual([
      { $ts: 'push', seq: 1, data: { $ts: 'ack', id: 99 } },
      { $ts: 'push', seq: 2, text: '{"$ts":"push","seq":50,"data":1}' },
    ]);
    // Replayed on the next socket like any push.
    client.socket.terminate();
    await client.closed;
    const next = await resumed(`${url}/?user=ann`, 's1', 1);
    await waitUntil(() => pushesOf(next).length === 1, 'the replay');
    expect(pushesOf(next)[0]?.seq).toBe(2);
  });

  it("passes a session socket's binary frames and text without $ts to the app", async () => {
    const { server, url } = await start();
    const received: [unknown, string | null][] = [];
    server.on('message', (_client, data, text) => received.push([data, text]));
    const client = await resumed(`${url}/?user=ann`, 's1');
    client.socket.send(Buffer.from([7]));
    client.send('{"hi":1}');
    await waitUntil(() => received.length === 2, 'both frames');
    expect(received[0]?.[1]).toBeNull();
    expect(received[1]).toEqual([{ hi: 1 }, '{"hi":1}']);
  });
});

describe('the numbers of resume', () => {
  it.each([
    ['negative', -1],
    ['2^53', 2 ** 53],
    ['huge', 1e300],
    ['fractional', 1.5],
    ['a string', '3'],
    ['null (NaN in JSON)', null],
    ['missing', undefined],
  ])('answers resync, not a refusal, to a last that is %s', async (_, last) => {
    const { server, url } = await start();
    const first = await resumed(`${url}/?user=ann`, 's1');
    server.push('ann', { n: 1 });
    await waitUntil(() => pushesOf(first).length === 1, 'a push');
    first.socket.terminate();
    await first.closed;
    const client = await harness.connect(`${url}/?user=ann`);
    const nonce = await client.nonce();
    // As JSON: undefined leaves `last` out.
    client.send({ $ts: 'resume', nonce, session: 's1', last });
    const answer = await client.waitForMessage((text) => text.includes('"resync"'), 'resync');
    expect(JSON.parse(answer)).toEqual({ $ts: 'resync', nonce, seq: 1 });
    server.push('ann', { n: 2 });
    await waitUntil(() => pushesOf(client).length === 1, 'the stream going on');
    expect(pushesOf(client)[0]?.seq).toBe(2);
    expect(server.stats().malformedFrames).toBe(0);
  });

  it.each([
    ['empty', ''],
    ['longer than 128 characters', 'x'.repeat(129)],
    ['a number', 42],
  ])('refuses a session id that is %s with an error carrying the nonce', async (_, session) => {
    const { server, url } = await start();
    const client = await harness.connect(`${url}/?user=ann`);
    const nonce = await client.nonce();
    const answer = await client.resume(session);
    expect(answer).toEqual({
      $ts: 'error',
      code: 'invalid-session',
      message: expect.any(String),
      nonce,
    });
    // The socket still waits for a resume: the worker may start afresh on it.
    client.send({ $ts: 'resume', nonce, session: 'fresh', last: 0 });
    await client.waitForMessage((text) => text.includes('"resumed"'), 'the fresh session');
    expect(server.stats().sessions).toBe(1);
  });
});

describe('frames sent before the resume', () => {
  it('remembers at most replay.maxCount of them, client.send too, then resyncs', async () => {
    const { server, url } = await start({ replay: { maxCount: 3 } });
    const connected = new Promise<TabSocketClient>((resolve) => server.once('connection', resolve));
    const client = await harness.connect(`${url}/?user=ann`);
    const serverSide = await connected;
    for (let n = 1; n <= 3; n++) serverSide.send({ n });
    expect(server.stats().rememberedFrames).toBe(3);
    serverSide.send({ n: 4 });
    expect(server.stats().rememberedFrames).toBe(0);
    for (let n = 5; n <= 50; n++) serverSide.send({ n });
    expect(server.stats().rememberedFrames).toBe(0);

    const answer = await client.resume('s1');
    expect(answer).toMatchObject({ $ts: 'resync', seq: 0 });
    // Not `whole`: pushes made since the socket opened were lost, and the worker is told so.
    expect(answer).not.toHaveProperty('whole');
    server.push('ann', { live: true });
    await waitUntil(() => pushesOf(client).length === 1, 'the next push');
    expect(pushesOf(client)).toEqual([{ $ts: 'push', seq: 1, data: { live: true } }]);
  });

  it('remembers at most replay.maxBytes of them', async () => {
    const { server, url } = await start({ replay: { maxBytes: 3_000 } });
    const connected = new Promise<TabSocketClient>((resolve) => server.once('connection', resolve));
    const client = await harness.connect(`${url}/?user=ann`);
    const serverSide = await connected;
    serverSide.send('x'.repeat(1_000));
    serverSide.send('x'.repeat(1_000));
    expect(server.stats().rememberedFrames).toBe(2);
    serverSide.send('x'.repeat(1_000));
    expect(server.stats().rememberedFrames).toBe(0);
    expect(await client.resume('s1')).toMatchObject({ $ts: 'resync', seq: 0 });
  });

  it('delivers a welcome sent in the connection handler on every resume, new or existing session', async () => {
    const { server, url } = await start();
    let welcomes = 0;
    server.on('connection', (client) => client.send({ welcome: ++welcomes }));
    const first = await resumed(`${url}/?user=ann`, 's1');
    await waitUntil(() => pushesOf(first).length === 1, 'the first welcome');
    expect(pushesOf(first)).toEqual([{ $ts: 'push', seq: 1, data: { welcome: 1 } }]);
    first.socket.terminate();
    await first.closed;

    const second = await resumed(`${url}/?user=ann`, 's1', 1);
    expect(answerOf(second)).toEqual({ $ts: 'resumed', seq: 1 });
    await waitUntil(() => pushesOf(second).length === 1, 'the second welcome');
    expect(pushesOf(second)).toEqual([{ $ts: 'push', seq: 2, data: { welcome: 2 } }]);
  });

  it('gives a resumed anonymous session the pushes made to its new socket before the resume, once', async () => {
    const { server, url } = await harness.start();
    const ids: string[] = [];
    server.on('connection', (client) => ids.push(client.userId));
    const session = workerSessionId(1);
    const first = await harness.connect(url);
    await first.resume(session);
    first.socket.terminate();
    await first.closed;

    const second = await harness.connect(url);
    const nonce = await second.nonce();
    server.push(ids[1] as string, { toNewSocket: true });
    server.broadcast({ toEveryone: true });
    await waitUntil(() => second.messages.length === 3, 'both frames, plainly');
    second.send({ $ts: 'resume', nonce, session, last: 0 });
    await waitUntil(() => pushesOf(second).length === 2, 'the replay and the push');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pushesOf(second)).toEqual([
      { $ts: 'push', seq: 1, data: { toEveryone: true } },
      { $ts: 'push', seq: 2, data: { toNewSocket: true } },
    ]);
  });
});

describe('without authenticate', () => {
  it('resumes a session by its id alone: missed pushes arrive, a resent message once', async () => {
    const { server, url } = await harness.start();
    const ids: string[] = [];
    server.on('connection', (client) => ids.push(client.userId));
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const session = workerSessionId(7);

    const first = await harness.connect(url);
    expect(await first.resume(session)).toMatchObject({ $ts: 'resumed', seq: 0 });
    first.send({ $ts: 'msg', id: 1, text: '"hello app"' });
    await waitUntil(() => received.length === 1, 'the message');
    server.push(ids[0] as string, { n: 1 });
    await waitUntil(() => pushesOf(first).length === 1, 'push 1');
    first.socket.terminate();
    await first.closed;
    server.push(ids[0] as string, { n: 2 });

    const second = await harness.connect(url);
    expect(await second.resume(session, 1)).toMatchObject({ $ts: 'resumed', seq: 2 });
    await waitUntil(() => pushesOf(second).length === 1, 'the replay');
    second.send({ $ts: 'msg', id: 1, text: '"hello app"' });
    await second.waitForMessage((text) => text === '{"$ts":"ack","id":1}', 'the ack');
    expect(received).toEqual(['hello app']);
    // The session now belongs to the socket that resumed it.
    expect(server.push(ids[1] as string, { n: 3 })).toBe(1);
    await waitUntil(() => pushesOf(second).length === 2, 'push 3');
    expect(pushesOf(second).map((push) => push.seq)).toEqual([2, 3]);
    expect(server.push(ids[0] as string, { n: 4 })).toBe(0);
    expect(server.stats().sessions).toBe(1);
  });

  it('refuses a session id shorter than 16 characters, its only credential', async () => {
    const { url } = await harness.start();
    const client = await harness.connect(url);
    expect(await client.resume('short')).toMatchObject({ $ts: 'error', code: 'invalid-session' });
  });
});

describe('session keys', () => {
  it('keeps user "a" with session "b\\0c" apart from user "a\\0b" with session "c"', async () => {
    const { server, url } = await start();
    const a = await resumed(`${url}/?user=a`, 'b\u0000c');
    const ab = await resumed(`${url}/?user=a%00b`, 'c');
    expect(server.stats().sessions).toBe(2);
    expect(server.push('a', { for: 'a' })).toBe(1);
    await waitUntil(() => pushesOf(a).length === 1, "a's push");
    expect(a.socket.readyState).toBe(a.socket.OPEN);
    expect(pushesOf(ab)).toEqual([]);
  });
});

describe('session limits', () => {
  it("replaces a user's longest detached session past sessions.maxPerUser", async () => {
    const { server, url } = await start({ sessions: { maxPerUser: 2 } });
    for (const id of ['s1', 's2']) {
      const client = await resumed(`${url}/?user=ann`, id);
      client.socket.terminate();
      await client.closed;
    }
    server.push('ann', { n: 1 });
    await resumed(`${url}/?user=ann`, 's3');
    await resumed(`${url}/?user=bob`, 's1');
    expect(server.stats().sessions).toBe(3);
    // s1 of ann is gone: its push with it.
    const back = await harness.connect(`${url}/?user=ann`);
    expect(await back.resume('s2', 0)).toMatchObject({ $ts: 'resumed', seq: 1 });
    const gone = await harness.connect(`${url}/?user=ann`);
    expect(await gone.resume('s1', 1)).toMatchObject({
      $ts: 'resync',
      seq: 0,
      session: expect.stringMatching(/^\w{32}$/),
    });
  });

  it("drops the socket of a user's oldest session when all of them are attached", async () => {
    const { server, url } = await start({ sessions: { maxPerUser: 2 } });
    const s1 = await resumed(`${url}/?user=ann`, 's1');
    const s2 = await resumed(`${url}/?user=ann`, 's2');
    await resumed(`${url}/?user=ann`, 's3');
    await s1.closed;
    expect(s2.socket.readyState).toBe(s2.socket.OPEN);
    expect(server.stats().sessions).toBe(2);
  });

  it('replaces the longest detached session past sessions.maxTotal, else refuses with 1013', async () => {
    const { server, url } = await start({ sessions: { maxTotal: 2 } });
    const ann = await resumed(`${url}/?user=ann`, 's1');
    ann.socket.terminate();
    await ann.closed;
    await resumed(`${url}/?user=bob`, 's1');
    await resumed(`${url}/?user=carol`, 's1');
    expect(server.stats().sessions).toBe(2);

    const dave = await harness.connect(`${url}/?user=dave`);
    const nonce = await dave.nonce();
    expect(await dave.resume('s1')).toEqual({
      $ts: 'error',
      code: 'overloaded',
      message: expect.any(String),
      nonce,
    });
    expect(await dave.closed).toEqual({ code: 1013, reason: 'Too many sessions' });
    expect(server.stats().sessions).toBe(2);
  });

  it('keeps at most replay.maxBytes of pushes per session', async () => {
    const { server, url } = await start({ replay: { maxBytes: 1_000 } });
    const client = await resumed(`${url}/?user=ann`, 's1');
    client.socket.terminate();
    await client.closed;
    for (let n = 1; n <= 10; n++) server.push('ann', { n, pad: 'x'.repeat(200) });
    // Each push frame counts about 260 bytes: the last three fit.
    const early = await harness.connect(`${url}/?user=ann`);
    expect(await early.resume('s1', 6)).toMatchObject({ $ts: 'resync', seq: 10 });
    early.socket.terminate();
    await early.closed;
    const late = await harness.connect(`${url}/?user=ann`);
    expect(await late.resume('s1', 7)).toMatchObject({ $ts: 'resumed', seq: 10 });
    await waitUntil(() => pushesOf(late).length === 3, 'the replay');
    expect(pushesOf(late).map((push) => push.seq)).toEqual([8, 9, 10]);
  });
});
