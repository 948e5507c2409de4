/** Fan-out across servers on one real redis-server (started by the test, as the store's). */
import type { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../protocol/errors';
import type { TabSocketClient } from '../sockets/connected-client';
import { Harness, type TestClient, waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';
import { createRedisFanout, createRedisStores, RedisFanout, RedisReplayStore } from './index';
import { DIRECT } from './scripts';

const shared = redisForTheFile();
const subscribers: ReturnType<typeof createClient>[] = [];
const fanouts: RedisFanout[] = [];
const harness = new Harness();
let prefixes = 0;

afterEach(async () => {
  for (const fanout of fanouts.splice(0)) await fanout.stop();
  for (const subscriber of subscribers.splice(0)) await subscriber.quit();
  await harness.dispose();
});

/** Two servers of one app on the Redis, each given its fan-out. */
async function cluster({ remember, maxAge }: { remember?: number; maxAge?: number } = {}) {
  const prefix = `fanout${++prefixes}:`;
  const replay = maxAge === undefined ? {} : { replay: { maxAge } };
  /**
   * `whileStarting`: runs once the node is subscribed, before it reads the kept fan-outs;
   * `listening`, once it takes sockets, before its fan-out starts.
   */
  const node = async (
    whileStarting?: (heard: () => number) => Promise<void>,
    listening?: (url: string) => Promise<void>,
  ) => {
    const { replayStore } = createRedisStores(shared.client, { prefix, ...replay });
    const subscriber = shared.client.duplicate();
    subscriber.on('error', () => {});
    await subscriber.connect();
    subscribers.push(subscriber);
    // Drops the next messages it is told to: the node cut off from the channel a while.
    let dropping = 0;
    let heard = 0;
    const cutOff = {
      subscribe: async (
        channel: string,
        listener: (message: string, channel: string) => unknown,
      ) => {
        await subscriber.subscribe(channel, (message, from) => {
          heard += 1;
          if (dropping > 0) dropping -= 1;
          else listener(message, from);
        });
        await whileStarting?.(() => heard);
      },
      unsubscribe: (channel: string) => subscriber.unsubscribe(channel),
    };
    const fanout = new RedisFanout({
      publisher: shared.client,
      subscriber: cutOff,
      prefix,
      store: replayStore,
      ...(remember === undefined ? {} : { remember }),
    });
    fanouts.push(fanout);
    const started = await harness.start({
      ...replay,
      replayStore,
      fanout,
      authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
    });
    await listening?.(started.url);
    await fanout.start();
    const dropNext = (count: number) => {
      dropping = count;
    };
    return { ...started, fanout, dropNext };
  };
  // A third, started when the test wants it.
  return [await node(), await node(), node] as const;
}

function pushes(socket: TestClient): Array<{ seq: number; data?: unknown; text?: string }> {
  return socket.json().filter((frame) => (frame as { $ts?: string }).$ts === 'push') as Array<{
    seq: number;
    data?: unknown;
    text?: string;
  }>;
}

describe('RedisFanout', () => {
  it('takes push, broadcast and publish made on one server to the sockets of every server', async () => {
    const [a, b] = await cluster();
    const annOnA = await harness.connect(`${a.url}/?user=ann`);
    await annOnA.resume('s1');
    annOnA.send({ $ts: 'sub', topics: ['prices'] });
    const annOnB = await harness.connect(`${b.url}/?user=ann`);
    await annOnB.resume('s2');
    const bobOnB = await harness.connect(`${b.url}/?user=bob`);
    await bobOnB.resume('s1');
    await waitUntil(() => a.server.stats().framesIn >= 2, 'the sub on A');

    a.server.push('ann', { n: 1 });
    // Pushes made on two servers have no order between them: this one first, everywhere.
    await waitUntil(() => pushes(annOnB).length === 1, 'the push on B');
    b.server.broadcast('all');
    b.server.publish('prices', { price: 12 });
    await waitUntil(() => pushes(annOnA).length === 3, 'three pushes on A');
    await waitUntil(() => pushes(annOnB).length === 2 && pushes(bobOnB).length === 1, 'on B');
    expect(pushes(annOnA)).toEqual([
      { $ts: 'push', seq: 1, data: { n: 1 } },
      { $ts: 'push', seq: 2, text: 'all' },
      { $ts: 'push', seq: 3, data: { topic: 'prices', price: 12 } },
    ]);
    expect(pushes(annOnB)).toEqual([
      { $ts: 'push', seq: 1, data: { n: 1 } },
      { $ts: 'push', seq: 2, text: 'all' },
    ]);
    expect(pushes(bobOnB)).toEqual([{ $ts: 'push', seq: 1, text: 'all' }]);
  });

  it('numbers a push once per session when the worker moved: the server it left forgets it', async () => {
    // A sweep a second: A learns then that the session moved.
    const [a, b] = await cluster({ maxAge: 4_000 });
    const onA = await harness.connect(`${a.url}/?user=ann`);
    await onA.resume('s1');
    a.server.push('ann', 1);
    await waitUntil(() => pushes(onA).length === 1, 'the push on A');
    onA.socket.terminate();
    await waitUntil(() => a.server.stats().openSockets === 0, 'A to see the socket go');
    // A still remembers the session, detached, when the worker resumes through B.
    const onB = await harness.connect(`${b.url}/?user=ann`);
    expect(await onB.resume('s1', 1)).toMatchObject({ $ts: 'resumed', seq: 1 });
    for (let n = 2; n <= 50; n++) (n % 2 ? a : b).server.push('ann', n);
    await waitUntil(() => pushes(onB).length === 49, 'every push on B');
    expect(pushes(onB).map((push) => push.seq)).toEqual(
      Array.from({ length: 49 }, (_, index) => index + 2),
    );
    expect(
      pushes(onB)
        .map((push) => push.data as number)
        .sort((x, y) => x - y),
    ).toEqual(Array.from({ length: 49 }, (_, index) => index + 2));
    await waitUntil(() => a.server.stats().sessions === 0, 'A to forget the session');
  });

  it('gives a worker that resumes on another server the fan-outs made while its server was dead', async () => {
    const [a, b] = await cluster();
    const onA = await harness.connect(`${a.url}/?user=ann`);
    await onA.resume('s1');
    b.server.push('ann', 1);
    await waitUntil(() => pushes(onA).length === 1, 'the push on A');
    // A "dies": it makes no more fan-outs and its socket is gone; no server has the session.
    await a.fanout.stop();
    onA.socket.terminate();
    const witness = await harness.connect(`${b.url}/?user=ann`);
    await witness.resume('w1');
    // The worker's new socket is open on B, not resumed yet: B writes it these pushes as
    // they come and remembers them, but they reach the session once, through its log.
    const onB = await harness.connect(`${b.url}/?user=ann`);
    void b.server.push('ann', 2);
    void b.server.push('bob', 'not for ann');
    void b.server.broadcast('all');
    await waitUntil(() => pushes(witness).length === 2, 'B to make the fan-outs');
    expect(await onB.resume('s1', 1)).toMatchObject({ $ts: 'resumed', seq: 3 });
    b.server.push('ann', 4);
    await waitUntil(() => pushes(onB).length === 3, 'the replay and the next push on B');
    expect(pushes(onB)).toEqual([
      { $ts: 'push', seq: 2, data: 2 },
      { $ts: 'push', seq: 3, text: 'all' },
      { $ts: 'push', seq: 4, data: 4 },
    ]);
  });

  it('lets a server started after the fan-outs count a session from those Redis kept', async () => {
    const [a, , join] = await cluster();
    const onA = await harness.connect(`${a.url}/?user=ann`);
    await onA.resume('s1');
    for (const n of [1, 2, 3]) void a.server.push('ann', n);
    await waitUntil(() => pushes(onA).length === 3, 'the pushes on A');
    await a.fanout.stop();
    onA.socket.terminate();
    const c = await join();
    await c.server.push('ann', 4);
    const onC = await harness.connect(`${c.url}/?user=ann`);
    expect(await onC.resume('s1', 1)).toMatchObject({ $ts: 'resumed', seq: 4 });
    await waitUntil(() => pushes(onC).length === 3, 'the replay on C');
    expect(pushes(onC)).toEqual([
      { $ts: 'push', seq: 2, data: 2 },
      { $ts: 'push', seq: 3, data: 3 },
      { $ts: 'push', seq: 4, data: 4 },
    ]);
  });

  it('keeps the fan-outs Redis kept when one reaches a starting server before it reads them', async () => {
    const [a, , join] = await cluster();
    const onA = await harness.connect(`${a.url}/?user=ann`);
    await onA.resume('s1');
    for (const n of [1, 2, 3]) void a.server.push('ann', n);
    await waitUntil(() => pushes(onA).length === 3, 'the pushes on A');
    // A rolling restart: C starts while A still makes fan-outs.
    const c = await join(async (heard) => {
      await a.server.push('ann', 4);
      await waitUntil(() => heard() === 1, 'fan-out 4 to reach C while it starts');
    });
    await waitUntil(() => pushes(onA).length === 4, 'the last push on A');
    await a.fanout.stop();
    onA.socket.terminate();
    const onC = await harness.connect(`${c.url}/?user=ann`);
    expect(await onC.resume('s1', 1)).toMatchObject({ $ts: 'resumed', seq: 4 });
    await waitUntil(() => pushes(onC).length === 3, 'the replay on C');
    expect(pushes(onC)).toEqual([2, 3, 4].map((n) => ({ $ts: 'push', seq: n, data: n })));
  });

  it('gives a session it holds a fan-out that reached it while it started', async () => {
    const [a, , join] = await cluster();
    // A restarted server takes sockets as soon as it listens: a worker resumes there first.
    let onC: TestClient | undefined;
    await join(
      async (heard) => {
        await a.server.push('ann', 'made while C started');
        await waitUntil(() => heard() === 1, 'C to hear it');
      },
      async (url) => {
        onC = await harness.connect(`${url}/?user=ann`);
        expect(await onC.resume('s1')).toMatchObject({ $ts: 'resumed', seq: 0 });
      },
    );
    await a.server.push('ann', 'made after');
    const got = () => pushes(onC as TestClient);
    await waitUntil(() => got().some((push) => push.text === 'made after'), 'the later push');
    expect(got().map((push) => [push.seq, push.text])).toEqual([
      [1, 'made while C started'],
      [2, 'made after'],
    ]);
  });

  it('makes the fan-outs it missed while cut off from the channel, from those Redis kept', async () => {
    const [a, b] = await cluster();
    const onA = await harness.connect(`${a.url}/?user=ann`);
    await onA.resume('s1');
    a.dropNext(2);
    for (const n of [1, 2, 3]) await b.server.push('ann', n);
    await waitUntil(() => pushes(onA).length === 3, 'every push on A');
    expect(pushes(onA)).toEqual([1, 2, 3].map((n) => ({ $ts: 'push', seq: n, data: n })));
    expect(a.server.stats().openSockets, 'no socket ended').toBe(1);
  });

  it.each([
    ['a new session', 's-new', 0, 'resumed'],
    ['the session that replaces one Redis lost', 'lost', 4, 'resync'],
  ])('numbers in %s a fan-out its socket got before the resume', async (_, session, last, kind) => {
    const [a] = await cluster();
    const onA = await harness.connect(`${a.url}/?user=ann`);
    await onA.nonce();
    await a.server.push('ann', 'before the resume');
    // Written plainly to a socket that may still resume: the worker drops that copy.
    await waitUntil(() => onA.messages.includes('before the resume'), 'the plain frame');
    expect(await onA.resume(session, last)).toMatchObject({ $ts: kind, seq: 0 });
    await waitUntil(() => pushes(onA).length === 1, 'the push in the stream');
    expect(pushes(onA)).toEqual([{ $ts: 'push', seq: 1, text: 'before the resume' }]);
  });

  it('tells the worker to resync when it may have missed a fan-out its new server forgot', async () => {
    const [a, b] = await cluster({ remember: 2 });
    const onA = await harness.connect(`${a.url}/?user=ann`);
    await onA.resume('s1');
    await a.fanout.stop();
    onA.socket.terminate();
    const witness = await harness.connect(`${b.url}/?user=ann`);
    await witness.resume('w1');
    for (const n of [1, 2, 3]) void b.server.push('ann', n);
    b.server.broadcast('mark');
    await waitUntil(() => pushes(witness).at(-1)?.text === 'mark', 'B to make the fan-outs');
    const onB = await harness.connect(`${b.url}/?user=ann`);
    expect(await onB.resume('s1', 0)).toMatchObject({ $ts: 'resync' });
  });

  it('goes on under the same id, and passes a message on once, when the new server counts the session lower', async () => {
    const [a, b] = await cluster();
    const received: unknown[] = [];
    b.server.on('message', (_client, data) => received.push(data));
    a.server.on('message', (_client, data) => received.push(data));
    const onA = await harness.connect(`${a.url}/?user=ann`);
    await onA.resume('s1');
    // B misses the fan-out: its read waits a second for it, then counts the session lower.
    b.dropNext(1);
    await a.server.push('ann', 'one push');
    await waitUntil(() => pushes(onA).length === 1, 'the push on A');
    onA.send({ $ts: 'msg', id: 1, text: '"hello"' });
    await waitUntil(() => received.length === 1, 'the message passed on');
    // The socket dies with the ack in flight: the worker holds push 1 and message 1 unacked.
    onA.socket.terminate();
    const onB = await harness.connect(`${b.url}/?user=ann`);
    // One past the worker's last: a resume from 1 again (this answer lost) resyncs too.
    expect(await onB.resume('s1', 1)).toEqual({
      $ts: 'resync',
      nonce: expect.any(String),
      seq: 2,
      lastId: 1,
    });
    onB.send({ $ts: 'msg', id: 1, text: '"hello"' });
    await onB.waitForMessage((text) => text === '{"$ts":"ack","id":1}');
    expect(received).toEqual(['hello']);
    // Numbers go on from the worker's last, as any server counts them.
    await a.server.push('ann', 'next');
    await waitUntil(() => pushes(onB).length === 1, 'the next push on B');
    expect(pushes(onB)).toEqual([{ $ts: 'push', seq: 3, text: 'next' }]);
    onB.socket.terminate();
    const onA2 = await harness.connect(`${a.url}/?user=ann`);
    expect(await onA2.resume('s1', 3)).toMatchObject({ $ts: 'resumed', seq: 3 });
  }, 10_000);

  it('numbers a publish made while the worker was away by the topics its session had', async () => {
    const [a, b] = await cluster();
    const onA = await harness.connect(`${a.url}/?user=ann`);
    await onA.resume('s1');
    onA.send({ $ts: 'sub', topics: ['prices'] });
    await waitUntil(() => a.server.stats().framesIn >= 2, 'the sub on A');
    b.server.publish('prices', { price: 1 });
    await waitUntil(() => pushes(onA).length === 1, 'the publish on A');
    await a.fanout.stop();
    onA.socket.terminate();
    const witness = await harness.connect(`${b.url}/?user=ann`);
    await witness.resume('w1');
    b.server.publish('news', { headline: 'not for s1' });
    b.server.publish('prices', { price: 2 });
    b.server.broadcast('mark');
    await waitUntil(() => pushes(witness).at(-1)?.text === 'mark', 'B to make the fan-outs');
    const onB = await harness.connect(`${b.url}/?user=ann`);
    expect(await onB.resume('s1', 1)).toMatchObject({ $ts: 'resumed', seq: 3 });
    // B routes by the topics the session had, before the worker's `sub` comes again.
    b.server.publish('prices', { price: 3 });
    await waitUntil(() => pushes(onB).length === 3, 'the replay and the next publish');
    expect(pushes(onB)).toEqual([
      { $ts: 'push', seq: 2, data: { topic: 'prices', price: 2 } },
      { $ts: 'push', seq: 3, text: 'mark' },
      { $ts: 'push', seq: 4, data: { topic: 'prices', price: 3 } },
    ]);
  });
});

describe('RedisFanout when an answer is lost', () => {
  it('answers the number of a fan-out Redis ran whose answer was lost, made once; undefined (not known) when every answer is', async () => {
    const prefix = `fanout${++prefixes}:`;
    const { replayStore } = createRedisStores(shared.client, { prefix });
    const subscriber = shared.client.duplicate();
    subscriber.on('error', () => {});
    await subscriber.connect();
    subscribers.push(subscriber);
    // Redis runs the next `lose` fan-outs, and their answers do not come back.
    let lose = 0;
    const publisher = {
      async sendCommand(args: ReadonlyArray<string>) {
        const answer = await shared.client.sendCommand([...args]);
        if (lose > 0 && args.some((arg) => arg.includes("'PUBLISH'"))) {
          lose -= 1;
          throw new Error('Socket closed unexpectedly (the answer was lost)');
        }
        return answer;
      },
    };
    const errors: unknown[] = [];
    const fanout = await createRedisFanout({
      publisher,
      subscriber,
      prefix,
      store: replayStore,
      onError: (error) => errors.push(error),
    });
    fanouts.push(fanout);
    const { url, server } = await harness.start({
      fanout,
      replayStore,
      authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
    });
    const ann = await harness.connect(`${url}/?user=ann`);
    await ann.resume('s1');
    lose = 1;
    expect(await server.push('ann', 'once')).toEqual(expect.any(Number));
    lose = 3;
    expect(await server.push('ann', 'unknown')).toBeUndefined();
    expect(errors).toHaveLength(1);
    // A mark after them: once it is here, so would they be.
    await server.broadcast('mark');
    await waitUntil(() => pushes(ann).some((push) => push.text === 'mark'), 'the mark');
    expect(pushes(ann).map((push) => push.text)).toEqual(['once', 'unknown', 'mark']);
  });
});

describe('RedisFanout when Redis cannot keep a sub', () => {
  it('counts a publish routed by topics Redis never kept nowhere: the worker got none of its number, and the next push follows without a gap', async () => {
    const prefix = `fanout${++prefixes}:`;
    // The first write carrying "prices" in an interest of ann's fails, once the test says so.
    let failWrite: (() => void) | undefined;
    let armed = false;
    const client = {
      sendCommand(args: ReadonlyArray<string>) {
        const isAnnsInterests = args.some((arg) =>
          arg.includes('"user":"ann","topics":["prices"]'),
        );
        if (!armed || !isAnnsInterests) return shared.client.sendCommand([...args]);
        armed = false;
        return new Promise((_, reject) => {
          failWrite = () => reject(new Error('Redis refused it'));
        });
      },
    };
    const replayStore = new RedisReplayStore(client, { prefix, onError: () => {} });
    const subscriber = shared.client.duplicate();
    subscriber.on('error', () => {});
    await subscriber.connect();
    subscribers.push(subscriber);
    const fanout = await createRedisFanout({
      publisher: shared.client,
      subscriber,
      prefix,
      store: replayStore,
    });
    fanouts.push(fanout);
    const { server, url } = await harness.start({
      fanout,
      replayStore,
      authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
    });
    server.on('storeError', () => {});
    // Fan-outs are made in order: once carl has a push made after the publish, so was it.
    const carl = await harness.connect(`${url}/?user=carl`);
    const first = await harness.connect(`${url}/?user=ann`);
    await first.resume('s1');
    armed = true;
    first.send({ $ts: 'sub', topics: ['prices'] });
    first.send('ping');
    await first.waitForMessage((text) => text === 'pong', 'ann subscribed');
    await waitUntil(() => failWrite !== undefined, 'the interests write');
    await server.publish('prices', 1);
    await server.push('carl', 'probe');
    await carl.waitForMessage((text) => text.includes('probe'), 'the publish made on the server');
    failWrite?.();
    await first.closed;
    // Numbered in memory by the sub that never took effect, and never written.
    expect(pushes(first)).toEqual([]);
    // As for a sub that reached the server after the publish: the stream Redis counts lacks
    // it, the worker holds no number of it, and sends its topics again.
    const second = await harness.connect(`${url}/?user=ann`);
    expect(await second.resume('s1', 0)).toMatchObject({ $ts: 'resumed', seq: 0 });
    second.send({ $ts: 'sub', topics: ['prices'] });
    second.send('ping');
    await second.waitForMessage((text) => text === 'pong', 'the pong');
    await server.publish('prices', 2);
    await waitUntil(() => pushes(second).length === 1, 'the next publish');
    expect(pushes(second)).toEqual([{ $ts: 'push', seq: 1, data: 2 }]);
  });
});

describe('RedisFanout with anonymous sessions', () => {
  it('counts the fan-outs of a session resumed by another socket for whom they went, behind a busy queue', async () => {
    const prefix = `fanout${++prefixes}:`;
    // Holds the answers of direct pushes while `held` is set: the session's queue is busy.
    let held: Promise<void> | undefined;
    let release = () => {};
    const client = {
      sendCommand: async (args: ReadonlyArray<string>) => {
        const answer = shared.client.sendCommand([...args]);
        if (args[1] === DIRECT && held) await held;
        return answer;
      },
    };
    const replayStore = new RedisReplayStore(client, { prefix });
    const subscriber = shared.client.duplicate();
    subscriber.on('error', () => {});
    await subscriber.connect();
    subscribers.push(subscriber);
    const fanout = await createRedisFanout({
      publisher: shared.client,
      subscriber,
      prefix,
      store: replayStore,
    });
    fanouts.push(fanout);
    const { server, url } = await harness.start({ replayStore, fanout });
    const users: string[] = [];
    const sockets: TabSocketClient[] = [];
    server.on('connection', (socket) => {
      users.push(socket.userId);
      sockets.push(socket);
    });
    // Anonymous: each socket is a user of its own, and the session goes with the last one.
    const session = 'a-session-id-of-the-worker';
    const first = await harness.connect(url);
    await first.resume(session);
    const witness = await harness.connect(url);
    await witness.resume('a-session-id-of-a-witness');
    held = new Promise((resolve) => {
      release = resolve;
    });
    // A push to the session alone (a `send` to its socket): kept in Redis before it is written.
    sockets[0]?.send('direct');
    // The worker's new socket resumes: its read waits behind the direct push.
    const second = await harness.connect(url);
    const resumed = second.resume(session, 0);
    await waitUntil(() => server.stats().framesIn >= 3, 'the resume to wait');
    await server.push(users[2] as string, 'for the new socket');
    await server.push(users[0] as string, 'for the old socket');
    await server.broadcast('mark');
    await waitUntil(() => pushes(witness).length === 1, 'the fan-outs made');
    release();
    expect(await resumed).toMatchObject({ $ts: 'resumed', seq: 3 });
    await server.broadcast('next');
    await waitUntil(() => pushes(second).at(-1)?.text === 'next', 'the next push');
    expect(pushes(second)).toEqual([
      { $ts: 'push', seq: 1, text: 'direct' },
      { $ts: 'push', seq: 2, text: 'for the new socket' },
      { $ts: 'push', seq: 3, text: 'mark' },
      { $ts: 'push', seq: 4, text: 'next' },
    ]);
  });

  it('numbers in an anonymous session a fan-out its new socket got before the resume', async () => {
    const prefix = `fanout${++prefixes}:`;
    const { replayStore } = createRedisStores(shared.client, { prefix });
    const subscriber = shared.client.duplicate();
    subscriber.on('error', () => {});
    await subscriber.connect();
    subscribers.push(subscriber);
    const fanout = await createRedisFanout({
      publisher: shared.client,
      subscriber,
      prefix,
      store: replayStore,
    });
    fanouts.push(fanout);
    const { server, url } = await harness.start({ replayStore, fanout });
    const users: string[] = [];
    server.on('connection', (socket) => users.push(socket.userId));
    const session = 'a-session-id-of-the-worker';
    const first = await harness.connect(url);
    expect(await first.resume(session)).toMatchObject({ $ts: 'resumed', seq: 0 });
    first.socket.terminate();
    await first.closed;
    // The worker's next socket: a user of its own, as every anonymous socket.
    const second = await harness.connect(url);
    await second.nonce();
    await server.push(users[1] as string, 'before the resume');
    // Written plainly to a socket that may still resume: the worker drops that copy.
    await waitUntil(() => second.messages.includes('before the resume'), 'the plain frame');
    expect(await second.resume(session, 0)).toMatchObject({ $ts: 'resumed' });
    await server.broadcast('next');
    await waitUntil(() => pushes(second).some((push) => push.text === 'next'), 'the next push');
    expect(pushes(second).map((push) => [push.seq, push.text])).toEqual([
      [1, 'before the resume'],
      [2, 'next'],
    ]);
  });
});

describe('RedisFanout given to a server', () => {
  it('makes a push sent while it starts on its own server too, once subscribed', async () => {
    const prefix = `fanout${++prefixes}:`;
    const { replayStore } = createRedisStores(shared.client, { prefix });
    const subscriber = shared.client.duplicate();
    subscriber.on('error', () => {});
    await subscriber.connect();
    subscribers.push(subscriber);
    // The subscription completes when the test says so.
    let subscribe = () => {};
    const subscribed = new Promise<void>((resolve) => {
      subscribe = resolve;
    });
    const fanout = new RedisFanout({
      publisher: shared.client,
      subscriber: {
        subscribe: async (channel, listener) => {
          await subscribed;
          await subscriber.subscribe(channel, listener);
        },
        unsubscribe: (channel) => subscriber.unsubscribe(channel),
      },
      prefix,
      store: replayStore,
    });
    fanouts.push(fanout);
    const { server, url } = await harness.start({
      replayStore,
      fanout,
      authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
    });
    const ann = await harness.connect(`${url}/?user=ann`);
    await ann.resume('s1');
    const started = fanout.start();
    const answer = server.push('ann', 'sent while starting');
    subscribe();
    await started;
    expect(await answer).toEqual(expect.any(Number));
    await waitUntil(() => pushes(ann).length === 1, 'the push on its own server');
    expect(pushes(ann)).toEqual([{ $ts: 'push', seq: 1, text: 'sent while starting' }]);
  });

  it('serves one server: a second one given it is refused', async () => {
    const fanout = new RedisFanout({
      publisher: shared.client,
      subscriber: { subscribe: async () => {}, unsubscribe: async () => {} },
    });
    await harness.start({ fanout });
    await expect(harness.start({ fanout })).rejects.toThrow(InvalidOptionError);
  });
});
