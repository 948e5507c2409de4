import { afterEach, describe, expect, it, vi } from 'vitest';
import { startRedisServer } from '../../dev/redis-server';
import { InvalidOptionError } from '../../protocol/errors';
import { DedupeWindow } from '../memory/dedupe-window';
import type { TabSocketServerOptions } from '../options';
import { type ResumeOutcome, SessionRegistry } from '../sessions/session-registry';
import type { FanoutMessage } from '../stores';
import { pushPayload } from '../stores/push-payload';
import { FakeClock } from '../test-support/fake-clock';
import { Harness, type TestClient, waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';
import { FanoutLog } from './fanout-log';
import { createRedisStores, RedisReplayStore, type RedisStoreOptions } from './index';
import { DIRECT } from './scripts';

const shared = redisForTheFile();
const harness = new Harness();
let prefixes = 0;
/** A prefix of its own for each store of a test, so tests share nothing. */
const nextPrefix = () => `test${++prefixes}:`;

afterEach(() => harness.dispose());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => from + index);

function store(options: RedisStoreOptions = {}): RedisReplayStore {
  return new RedisReplayStore(shared.client, { prefix: nextPrefix(), ...options });
}

const payload = (n: number) => pushPayload(`"data":${n}`);

function pushes(socket: TestClient): Array<{ seq: number; data: unknown }> {
  return socket.json().filter((frame) => (frame as { $ts?: string }).$ts === 'push') as Array<{
    seq: number;
    data: unknown;
  }>;
}

describe('the test redis-server', () => {
  it('says how to install it when it is missing', async () => {
    vi.stubEnv('REDIS_SERVER_PATH', '/nonexistent/redis-server');
    try {
      await expect(startRedisServer()).rejects.toThrow('apt-get install -y redis-server');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('createRedisStores', () => {
  it.each([
    [{ ttl: 0 }, 'ttl'],
    [{ replay: { maxCount: -1 } }, 'replay.maxCount'],
    [{ replay: { maxAge: 1.5 } }, 'replay.maxAge'],
  ] as Array<[RedisStoreOptions, string]>)(
    'refuses %j with an InvalidOptionError naming %s',
    (options, name) => {
      expect(() => createRedisStores(shared.client, options)).toThrow(InvalidOptionError);
      expect(() => createRedisStores(shared.client, options)).toThrow(`option "${name}"`);
    },
  );
});

describe('RedisReplayStore', () => {
  it('seenIfKept records an id only for a session Redis keeps: a made-up `was` leaves nothing', async () => {
    const replay = store();
    expect(await replay.seenIfKept('made-up', 1, 256)).toBeUndefined();
    expect(Number(await shared.client.exists(replay.keys('made-up')))).toBe(0);
    // A session Redis keeps (it passed message 1 on) answers as `seen` does.
    await replay.read('kept', 0);
    expect(await replay.seen('kept', 1, 256)).toBe(false);
    await replay.passed('kept', 1);
    expect(await replay.seenIfKept('kept', 1, 256)).toBe(true);
    expect(await replay.seenIfKept('kept', 2, 256)).toBe(false);
    await replay.passed('kept', 2);
    expect(await replay.seen('kept', 2, 256)).toBe(true);
  });

  it('holds an id `seen` took until `passed`: a resend on another server waits, then is seen', async () => {
    const prefix = nextPrefix();
    const clock = new FakeClock(1_000);
    const a = new RedisReplayStore(shared.client, { prefix }, clock);
    const b = new RedisReplayStore(shared.client, { prefix }, clock);
    await a.read('s1', 0);
    expect(await a.seen('s1', 1, 8)).toBe(false);
    // The worker's next socket resumes the session on b, and resends message 1 there.
    await b.read('s1', 0);
    let answer: boolean | undefined;
    void b.seen('s1', 1, 8).then((seen) => (answer = seen));
    await waitUntil(() => clock.pending === 1, "b's first wait");
    clock.advance(100);
    await waitUntil(() => clock.pending === 1, "b's second wait");
    expect(answer).toBeUndefined();
    await a.passed('s1', 1);
    clock.advance(100);
    await waitUntil(() => answer !== undefined, "b's answer");
    expect(answer).toBe(true);
    // Nothing is left held: a store that resumes it next is answered at once.
    const c = new RedisReplayStore(shared.client, { prefix }, clock);
    await c.read('s1', 0);
    expect(await c.seen('s1', 1, 8)).toBe(true);
  });

  it('gives the id of a process that never passed it on to a resend that waited 10 s for it', async () => {
    const prefix = nextPrefix();
    const dead = new RedisReplayStore(shared.client, { prefix }, new FakeClock(1_000));
    await dead.read('s1', 0);
    expect(await dead.seen('s1', 1, 8)).toBe(false);
    // The process died before its app got message 1: its resend waits 10 s, then passes.
    const clock = new FakeClock(5_000);
    const b = new RedisReplayStore(shared.client, { prefix }, clock);
    await b.read('s1', 0);
    let taken: boolean | undefined;
    void b.seen('s1', 1, 8).then((seen) => (taken = seen));
    for (let waited = 0; waited < 10_000; waited += 100) {
      await waitUntil(() => clock.pending === 1, "b's next wait");
      expect(taken).toBeUndefined();
      clock.advance(100);
    }
    await waitUntil(() => taken !== undefined, "b's answer");
    expect(taken).toBe(false);
    // The claim is b's now: a late word of the first process lets nothing go.
    await dead.passed('s1', 1);
    const c = new RedisReplayStore(shared.client, { prefix }, clock);
    await c.read('s1', 0);
    let answer: boolean | undefined;
    void c.seen('s1', 1, 8).then((seen) => (answer = seen));
    await waitUntil(() => clock.pending === 1, "c's wait");
    await b.passed('s1', 1);
    clock.advance(100);
    await waitUntil(() => answer !== undefined, "c's answer");
    expect(answer).toBe(true);
  });

  it('numbers concurrent appends in the order made, and reads them back after last', async () => {
    const replay = store();
    await replay.read('s1', 0);
    const numbers = await Promise.all(range(1, 500).map((n) => replay.append('s1', payload(n))));
    expect(numbers).toEqual(range(1, 500));
    const read = await replay.read('s1', 490);
    expect(read.head).toBe(500);
    expect(read.entries?.map((entry) => [entry.seq, entry.payload.body])).toEqual(
      range(491, 500).map((n) => [n, `"data":${n}`]),
    );
    expect(read.entries?.[0]?.payload).toEqual(payload(491));
    expect(await replay.read('s1', 500)).toMatchObject({ head: 500, entries: [] });
    expect(await replay.read('s1', undefined)).toMatchObject({ head: 500, entries: undefined });
    expect(await replay.read('s1', 500)).toMatchObject({ fresh: false });
    // A last beyond the head: numbers never go backwards under the id, the worker resyncs,
    // and so does a resume from that last again (the answer lost): 504 is no push.
    expect(await replay.read('s1', 503)).toMatchObject({ head: 504, entries: undefined });
    expect(await replay.append('s1', payload(505))).toBe(505);
    expect(await replay.read('s1', 504)).toMatchObject({ head: 505, entries: [{ seq: 505 }] });
    expect(await replay.read('s1', 503)).toMatchObject({ head: 505, entries: undefined });
    expect(await replay.read('unknown', 0)).toMatchObject({ head: 0, entries: [], fresh: true });
    expect(await replay.read('lost', 1)).toMatchObject({
      head: 0,
      entries: undefined,
      fresh: true,
    });
  });

  it('starts a new session for a worker whose session Redis does not know, however far fan-outs made during the read count', async () => {
    const log = new FanoutLog(100);
    const replay = store();
    replay.followFanout(log, (message) => `"data":${JSON.stringify(message.d)}`);
    const registry = new SessionRegistry(
      replay,
      { maxAge: 60_000, dedupeWindow: 8, maxPerUser: 16, maxTotal: 100, anonymous: false },
      new FakeClock(),
    );
    const socket = {
      userId: 'ann',
      isOpen: true,
      topics: new Set<string>(),
      sendText: () => true,
      terminate() {},
    };
    const outcome = new Promise<ResumeOutcome>((resolve) => {
      void registry.resume(socket, 'lost', 1, resolve);
    });
    // A broadcast made while Redis reads: the new stream is as far as the worker's last.
    log.make(1, { k: 'b', d: 'during the read' }, () => {
      registry.pushAll(registry.all(), payload(1));
    });
    const answer = await outcome;
    expect(answer).toMatchObject({
      kind: 'attached',
      head: 0,
      replay: [],
      newId: expect.any(String),
    });
    expect(answer.kind === 'attached' && answer.session.key).toBe(
      JSON.stringify(['ann', answer.kind === 'attached' ? answer.newId : '']),
    );
    expect(registry.size).toBe(1);
    const [hash] = replay.keys(JSON.stringify(['ann', 'lost']));
    expect(await shared.client.exists(hash), 'the old session is not kept').toBe(0);
  });

  it('numbers a fan-out in memory, writing nothing per session; another store counts the same', async () => {
    const prefix = nextPrefix();
    const log = new FanoutLog(100);
    const bodyOf = (message: FanoutMessage) => `"data":${JSON.stringify(message.d)}`;
    const a = new RedisReplayStore(shared.client, { prefix });
    a.followFanout(log, bodyOf);
    const sessions = range(1, 600).map((n) => `s${n}`);
    for (const session of sessions)
      await a.read(session, 0, { userId: session, topics: new Set() });
    let numbers: unknown;
    log.make(1, { k: 'b', d: 1 }, () => {
      numbers = a.appendMany(sessions, payload(1));
    });
    expect(numbers, 'answered at once').toEqual(sessions.map(() => 1));
    log.make(2, { k: 'u', u: 's600', d: 2 }, () => {
      numbers = a.append('s600', payload(2));
    });
    expect(numbers).toBe(2);
    expect(await a.append('s600', payload(3)), 'a push to the session alone').toBe(3);
    log.make(3, { k: 'b', d: 4 }, () => {
      numbers = a.appendMany(['s1', 's600'], payload(4));
    });
    expect(numbers).toEqual([2, 4]);
    const [, stream] = a.keys('s600');
    expect(Number(await shared.client.xLen(stream)), 'only the push to it alone').toBe(1);
    // The worker resumes through another server, remembering the same fan-outs.
    const b = new RedisReplayStore(shared.client, { prefix });
    b.followFanout(log, bodyOf);
    const read = await b.read('s600', 1, { userId: 's600', topics: new Set() });
    expect(read.head).toBe(4);
    expect(read.entries?.map((entry) => [entry.seq, entry.payload.body])).toEqual([
      [2, '"data":2'],
      [3, '"data":3'],
      [4, '"data":4'],
    ]);
    expect(await b.read('s1', 2, { userId: 's1', topics: new Set() })).toMatchObject({
      head: 2,
      entries: [],
    });
  });

  it('trims by count: what is past maxCount makes a resume resync, and the stream stays near it', async () => {
    const replay = store({ replay: { maxCount: 10 } });
    await replay.read('s1', 0);
    for (let n = 1; n <= 300; n++) void replay.append('s1', payload(n));
    expect(await replay.append('s1', payload(301))).toBe(301);
    expect((await replay.read('s1', 291)).entries?.map((entry) => entry.seq)).toEqual(
      range(292, 301),
    );
    expect((await replay.read('s1', 290)).entries).toBeUndefined();
    const [, stream] = replay.keys('s1');
    expect(Number(await shared.client.xLen(stream))).toBe(10);
  });

  it('replays no push older than maxAge', async () => {
    const replay = store({ replay: { maxAge: 150 } });
    await replay.read('s1', 0);
    for (const n of range(1, 5)) await replay.append('s1', payload(n));
    expect((await replay.read('s1', 0)).entries).toHaveLength(5);
    await sleep(250);
    expect(await replay.read('s1', 0)).toMatchObject({ head: 5, entries: undefined });
    for (const n of range(6, 8)) await replay.append('s1', payload(n));
    expect((await replay.read('s1', 5)).entries?.map((entry) => entry.seq)).toEqual(range(6, 8));
  });

  it('forgets a session ttl ms after it was last touched', async () => {
    const replay = store({ ttl: 200 });
    await replay.read('s1', 0);
    await replay.append('s1', payload(1));
    await replay.seen('s1', 1, 8);
    await replay.touch('s1');
    const keys = replay.keys('s1');
    expect(Number(await shared.client.exists(keys))).toBe(3);
    await sleep(120);
    await replay.touch('s1');
    await sleep(120);
    expect(Number(await shared.client.exists(keys))).toBe(3);
    await sleep(200);
    expect(Number(await shared.client.exists(keys))).toBe(0);
    expect(await replay.append('s1', payload(2))).toBeUndefined();
    expect(await replay.touch('s1')).toBe(false);
    expect(await replay.read('s1', 1)).toMatchObject({ head: 0, entries: undefined });
    expect(await replay.seen('s1', 1, 8)).toBe(false);
  });

  it('keeps two prefixes apart in one Redis', async () => {
    const a = new RedisReplayStore(shared.client, { prefix: 'app-a:' });
    const b = new RedisReplayStore(shared.client, { prefix: 'app-b:' });
    await a.read('s1', 0);
    await b.read('s1', 0);
    await a.append('s1', payload(1));
    await a.append('s1', payload(2));
    await b.append('s1', payload(9));
    await a.seen('s1', 1, 8);
    expect((await a.read('s1', 0)).head).toBe(2);
    expect((await b.read('s1', 0)).entries?.map((entry) => entry.payload.body)).toEqual([
      '"data":9',
    ]);
    expect(await b.seen('s1', 1, 8)).toBe(false);
    await a.drop('s1');
    expect((await a.read('s1', 0)).head).toBe(0);
    expect((await b.read('s1', 0)).head).toBe(1);
    const keys = await shared.client.keys('*');
    expect(keys.every((key) => /^(app-a:|app-b:|test\d+:)\{/.test(key))).toBe(true);
    expect(() => new RedisReplayStore(shared.client, { prefix: 'bad{' })).toThrow(TypeError);
  });

  it('passes message ids as the in-memory dedupe window does', async () => {
    const replay = store();
    const window = new DedupeWindow(8);
    await replay.read('s1', 0);
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    let top = 0;
    for (let step = 0; step < 400; step++) {
      // Mostly the next ids, resends of recent ones, now and then a jump ahead.
      const roll = next() % 10;
      if (roll < 6) top += 1;
      else if (roll === 9) top += 9;
      const id = roll >= 6 && roll < 9 ? Math.max(1, top - (next() % 12)) : top;
      const seen = await replay.seen('s1', id, 8);
      expect(seen).toBe(window.seen(id));
      if (!seen) await replay.passed('s1', id);
    }
    // A resume reads the highest id passed on, for the worker to number its next above it.
    expect(window.highest).toBe(top);
    expect((await replay.read('s1', 0)).lastId).toBe(top);
  });

  it('lets only the store that resumed a session last append to, keep or drop it', async () => {
    const prefix = nextPrefix();
    const a = new RedisReplayStore(shared.client, { prefix });
    const b = new RedisReplayStore(shared.client, { prefix });
    await a.read('s1', 0);
    expect(await a.append('s1', payload(1))).toBe(1);
    expect(await a.touch('s1')).toBe(true);
    // The worker resumes through b: a's copy is stale from now on.
    expect(await b.read('s1', 1)).toMatchObject({ head: 1, entries: [] });
    expect(await a.append('s1', payload(2))).toBeUndefined();
    expect(await a.touch('s1')).toBe(false);
    await a.drop('s1');
    expect(await b.append('s1', payload(2))).toBe(2);
    await b.drop('s1');
    expect((await b.read('s1', 0)).head).toBe(0);
  });
});

describe('servers on one Redis', () => {
  async function start(
    prefix: string,
    options: Omit<TabSocketServerOptions, 'port' | 'host'> = {},
  ) {
    const { replayStore } = createRedisStores(shared.client, { prefix });
    return harness.start({
      replayStore,
      authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
      ...options,
    });
  }

  it('numbers concurrent pushes once per session, in order, on every socket', async () => {
    const { server, url } = await start(nextPrefix());
    const sockets = await Promise.all(
      ['s1', 's2', 's3'].map(async (session) => {
        const socket = await harness.connect(`${url}/?user=ann`);
        expect(await socket.resume(session)).toMatchObject({ $ts: 'resumed', seq: 0 });
        return socket;
      }),
    );
    for (let n = 1; n <= 300; n++) server.push('ann', n);
    for (const socket of sockets) {
      await waitUntil(() => pushes(socket).length === 300, 'every push');
      expect(pushes(socket).map((push) => [push.seq, push.data])).toEqual(
        range(1, 300).map((n) => [n, n]),
      );
    }
  });

  it('replays after last on resume, while pushes keep coming', async () => {
    const { server, url } = await start(nextPrefix());
    const first = await harness.connect(`${url}/?user=ann`);
    await first.resume('s1');
    let n = 0;
    const timer = setInterval(() => {
      for (let burst = 0; burst < 5; burst++) server.push('ann', ++n);
    }, 1);
    try {
      await waitUntil(() => pushes(first).length >= 40, 'some pushes');
      const last = pushes(first)[19]?.seq ?? 0;
      first.socket.terminate();
      const second = await harness.connect(`${url}/?user=ann`);
      expect(await second.resume('s1', last)).toMatchObject({ $ts: 'resumed' });
      await waitUntil(() => pushes(second).length >= 100, 'replay and live pushes');
      clearInterval(timer);
      const seqs = pushes(second).map((push) => push.seq);
      expect(seqs).toEqual(range(last + 1, last + seqs.length));
      expect(pushes(second).map((push) => push.data)).toEqual(seqs);
    } finally {
      clearInterval(timer);
    }
  });

  it('resumes a session through a second server: replay, message ids and numbering go on', async () => {
    const prefix = nextPrefix();
    const a = await start(prefix);
    const b = await start(prefix);
    const atA: unknown[] = [];
    const atB: unknown[] = [];
    a.server.on('message', (_client, data) => atA.push(data));
    b.server.on('message', (_client, data) => atB.push(data));
    const acks = (socket: TestClient) =>
      socket.json().filter((frame) => (frame as { $ts?: string }).$ts === 'ack').length;

    const onA = await harness.connect(`${a.url}/?user=ann`);
    await onA.resume('s1');
    for (const n of range(1, 5)) a.server.push('ann', n);
    onA.send({ $ts: 'msg', id: 1, text: '"one"' });
    onA.send({ $ts: 'msg', id: 2, text: '"two"' });
    await waitUntil(() => pushes(onA).length === 5 && acks(onA) === 2, 'pushes and acks on A');
    onA.socket.terminate();

    const onB = await harness.connect(`${b.url}/?user=ann`);
    expect(await onB.resume('s1', 3)).toMatchObject({ $ts: 'resumed', seq: 5 });
    // The ack of 2 was lost: the worker sends it again, then 3.
    onB.send({ $ts: 'msg', id: 2, text: '"two"' });
    onB.send({ $ts: 'msg', id: 3, text: '"three"' });
    b.server.push('ann', 6);
    await waitUntil(() => pushes(onB).length === 3 && acks(onB) === 2, 'replay, push and acks');
    expect(pushes(onB).map((push) => [push.seq, push.data])).toEqual([
      [4, 4],
      [5, 5],
      [6, 6],
    ]);
    expect(atA).toEqual(['one', 'two']);
    expect(atB).toEqual(['three']);
  });

  it('numbers a push once: the server the worker left forgets the session, and its socket', async () => {
    const prefix = nextPrefix();
    const a = await start(prefix);
    const b = await start(prefix);
    const onA = await harness.connect(`${a.url}/?user=ann`);
    await onA.resume('s1');
    a.server.push('ann', 1);
    await waitUntil(() => pushes(onA).length === 1, 'the push on A');
    // Half-open: A still holds its socket when the worker resumes through B.
    const onB = await harness.connect(`${b.url}/?user=ann`);
    expect(await onB.resume('s1', 1)).toMatchObject({ $ts: 'resumed', seq: 1 });
    a.server.push('ann', 'made on A');
    await onA.closed;
    expect(a.server.stats().sessions).toBe(0);
    b.server.push('ann', 2);
    await waitUntil(() => pushes(onB).length === 1, 'the push on B');
    expect(pushes(onB)).toEqual([{ $ts: 'push', seq: 2, data: 2 }]);
    expect(pushes(onA)).toHaveLength(1);
  });

  it("ends a session on its worker's end frame for every server: the one that holds it now drops its socket, and a resume of it resyncs under a new id", async () => {
    // Found by the simulation (push after logout): the next login's hub resumed, from a
    // cursor of the login being logged out, the session a logout had just closed.
    const prefix = nextPrefix();
    const a = await start(prefix);
    const b = await start(prefix);
    const onA = await harness.connect(`${a.url}/?user=ann`);
    await onA.resume('s1');
    // The next login's resume of it reached B first (A's socket is half-open to it).
    const onB = await harness.connect(`${b.url}/?user=ann`);
    expect(await onB.resume('s1', 0)).toMatchObject({ $ts: 'resumed', seq: 0 });
    onA.send({ $ts: 'end' });
    expect(await onA.closed).toEqual({ code: 1000, reason: 'Session ended' });
    b.server.push('ann', 'after the logout');
    await onB.closed;
    expect(pushes(onB)).toEqual([]);
    const again = await harness.connect(`${b.url}/?user=ann`);
    const answer = await again.resume('s1', 1);
    expect(answer).toMatchObject({ $ts: 'resync', seq: 0, session: expect.any(String) });
    expect((answer as { session: string }).session).not.toBe('s1');
  });

  /** A server whose store fails the commands carrying `failing`, and what it reported. */
  async function startFlaky() {
    const flaky = {
      failing: undefined as string | undefined,
      /** The answers of the next `lose` commands that include `losing`: Redis ran them. */
      losing: undefined as string | undefined,
      lose: 0,
      errors: [] as unknown[],
    };
    const includes = (args: ReadonlyArray<string>, text: string | undefined) =>
      text !== undefined && args.some((arg) => arg.includes(text));
    const client = {
      async sendCommand(args: ReadonlyArray<string>) {
        if (includes(args, flaky.failing)) throw new Error('Redis refused it');
        const answer = await shared.client.sendCommand([...args]);
        if (flaky.lose > 0 && includes(args, flaky.losing)) {
          flaky.lose -= 1;
          throw new Error('Socket closed unexpectedly (the answer was lost)');
        }
        return answer;
      },
    };
    const onError = (error: unknown) => flaky.errors.push(error);
    const replayStore = new RedisReplayStore(client, { prefix: nextPrefix(), onError });
    const started = await harness.start({
      replayStore,
      authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
    });
    started.server.on('storeError', onError);
    return { ...started, flaky };
  }

  it('ends the socket of a session whose topics Redis could not keep: the worker resumes, nothing lost', async () => {
    const { server, url, flaky } = await startFlaky();
    const first = await harness.connect(`${url}/?user=ann`);
    await first.resume('s1');
    flaky.failing = '"prices"';
    first.send({ $ts: 'sub', topics: ['prices'] });
    await waitUntil(() => flaky.errors.length === 1, 'the failed write');
    flaky.failing = undefined;
    server.push('ann', 1);
    await first.closed;
    expect(pushes(first)).toEqual([]);
    const second = await harness.connect(`${url}/?user=ann`);
    expect(await second.resume('s1', 0)).toMatchObject({ $ts: 'resumed', seq: 1 });
    // The worker sends its topics again after a reconnect.
    second.send({ $ts: 'sub', topics: ['prices'] });
    second.send('ping');
    await second.waitForMessage((text) => text === 'pong', 'the pong after the sub');
    server.publish('prices', 2);
    await waitUntil(() => pushes(second).length === 2, 'the replay and the publish');
    expect(pushes(second)).toEqual([
      { $ts: 'push', seq: 1, data: 1 },
      { $ts: 'push', seq: 2, data: 2 },
    ]);
  });

  it('ends the socket when a message id could not be recorded: the worker sends it again, passed on once', async () => {
    const { server, url, flaky } = await startFlaky();
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const acks = (socket: TestClient) =>
      socket.json().filter((frame) => (frame as { $ts?: string }).$ts === 'ack');
    const first = await harness.connect(`${url}/?user=ann`);
    await first.resume('s1');
    // SEEN's script alone calls GETBIT.
    flaky.failing = "redis.call('GETBIT'";
    first.send({ $ts: 'msg', id: 1, text: '"one"' });
    expect((await first.closed).code, 'closed: try again later').toBe(1013);
    flaky.failing = undefined;
    expect(flaky.errors).toHaveLength(1);
    expect(acks(first)).toEqual([]);
    const second = await harness.connect(`${url}/?user=ann`);
    await second.resume('s1', 0);
    second.send({ $ts: 'msg', id: 1, text: '"one"' });
    await waitUntil(() => acks(second).length === 1, 'the ack');
    expect(received).toEqual(['one']);
  });

  it('passes a message on once when Redis ran its SEEN but the answer was lost: made again under its claim', async () => {
    const { server, url, flaky } = await startFlaky();
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const acks = (socket: TestClient) =>
      socket.json().filter((frame) => (frame as { $ts?: string }).$ts === 'ack');
    const first = await harness.connect(`${url}/?user=ann`);
    await first.resume('s1');
    flaky.losing = "redis.call('GETBIT'";
    flaky.lose = 1;
    first.send({ $ts: 'msg', id: 1, text: '"one"' });
    await waitUntil(() => acks(first).length === 1, 'the ack');
    expect(received).toEqual(['one']);
    // A resend (its ack lost), on the socket or the next one: acked, not passed on again.
    first.send({ $ts: 'msg', id: 1, text: '"one"' });
    await waitUntil(() => acks(first).length === 2, 'the second ack');
    first.socket.terminate();
    const second = await harness.connect(`${url}/?user=ann`);
    await second.resume('s1', 0);
    second.send({ $ts: 'msg', id: 1, text: '"one"' });
    await waitUntil(() => acks(second).length === 1, 'the ack on the next socket');
    expect({ received, errors: flaky.errors }).toEqual({ received: ['one'], errors: [] });
  });

  it('keeps its sockets through a Redis restart, then makes the worker resync once', async () => {
    const prefix = nextPrefix();
    const { server, url } = await start(prefix);
    // Whatever fails while Redis is away is reported there, never thrown.
    server.on('storeError', () => {});
    const first = await harness.connect(`${url}/?user=ann`);
    await first.resume('s1');
    for (const n of range(1, 3)) server.push('ann', n);
    await waitUntil(() => pushes(first).length === 3, 'three pushes');
    await shared.redis.restart();
    // Answered while node-redis reconnects: the socket stays.
    first.send('ping');
    await first.waitForMessage((text) => text === 'pong', 'the pong');
    server.push('ann', 'after the restart');
    await first.closed;
    expect(pushes(first)).toHaveLength(3);
    const second = await harness.connect(`${url}/?user=ann`);
    expect(await second.resume('s1', 3)).toMatchObject({
      $ts: 'resync',
      seq: 0,
      session: expect.stringMatching(/^\w{32}$/),
    });
    server.push('ann', 'next');
    await waitUntil(() => pushes(second).length === 1, 'the push after the resync');
    expect(pushes(second)).toEqual([{ $ts: 'push', seq: 1, text: 'next' }]);
  }, 15_000);

  it('makes the worker resync once when Redis lost its data, and goes on', async () => {
    const prefix = nextPrefix();
    const { server, url } = await start(prefix);
    const first = await harness.connect(`${url}/?user=ann`);
    await first.resume('s1');
    for (const n of range(1, 5)) server.push('ann', n);
    await waitUntil(() => pushes(first).length === 5, 'five pushes');
    // As a restart without persistence: every key gone.
    const keys = await shared.client.keys(`${prefix}*`);
    await shared.client.del(keys);
    server.push('ann', 'after the loss');
    await first.closed;
    expect(pushes(first)).toHaveLength(5);
    const second = await harness.connect(`${url}/?user=ann`);
    expect(await second.resume('s1', 5)).toMatchObject({
      $ts: 'resync',
      seq: 0,
      session: expect.stringMatching(/^\w{32}$/),
    });
    server.push('ann', 'next');
    await waitUntil(() => pushes(second).length === 1, 'the push after the resync');
    expect(pushes(second)).toEqual([{ $ts: 'push', seq: 1, text: 'next' }]);
  });
});

describe('a resume while Redis answers late', () => {
  /** READ's script alone sets `fresh`. */
  const isRead = (args: ReadonlyArray<string>) =>
    args.some((arg) => arg.includes("local fresh = '0'"));
  const isDirect = (args: ReadonlyArray<string>) => args[1] === DIRECT;

  /**
   * A server whose store's commands run on Redis at once; the answers of those `holding`
   * matches wait until the test lets each one through (`waiting`, in order).
   */
  async function startGated() {
    const gate = {
      holding: (_args: ReadonlyArray<string>): boolean => false,
      waiting: [] as Array<() => void>,
    };
    const client = {
      async sendCommand(args: ReadonlyArray<string>) {
        const answer = shared.client.sendCommand([...args]);
        if (gate.holding(args)) await new Promise<void>((resolve) => gate.waiting.push(resolve));
        return answer;
      },
    };
    const prefix = nextPrefix();
    const replayStore = new RedisReplayStore(client, { prefix, onError: () => {} });
    const started = await harness.start({
      replayStore,
      authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
    });
    started.server.on('storeError', () => {});
    return { ...started, replayStore, prefix, gate };
  }

  const texts = (socket: TestClient) =>
    (pushes(socket) as Array<{ seq: number; text?: string }>).map((push) => [push.seq, push.text]);

  it('numbers in a session started anew the pushes made while the old id and the new one were read, in the order made', async () => {
    const { server, url, gate } = await startGated();
    gate.holding = isRead;
    const socket = await harness.connect(`${url}/?user=ann`);
    const answer = socket.resume('gone', 5);
    await waitUntil(() => gate.waiting.length === 1, 'the read of the old id');
    server.push('ann', 'first');
    gate.waiting[0]?.();
    await waitUntil(() => gate.waiting.length === 2, 'the read of the new id');
    server.push('ann', 'second');
    gate.waiting[1]?.();
    expect(await answer).toMatchObject({ $ts: 'resync', seq: 0, session: expect.any(String) });
    await waitUntil(() => pushes(socket).length === 2, 'both pushes');
    expect(texts(socket)).toEqual([
      [1, 'first'],
      [2, 'second'],
    ]);
  });

  it('leaves nothing in Redis of a session two racing resumes found gone', async () => {
    const { server, url, replayStore, gate } = await startGated();
    gate.holding = isRead;
    const halfOpen = await harness.connect(`${url}/?user=ann`);
    const fresh = await harness.connect(`${url}/?user=ann`);
    const first = halfOpen.resume('gone', 5);
    await waitUntil(() => gate.waiting.length === 1, 'the first read');
    const second = fresh.resume('gone', 5);
    await waitUntil(() => server.stats().framesIn === 2, 'the second resume, queued');
    gate.holding = () => false;
    gate.waiting[0]?.();
    expect(await first).toMatchObject({ $ts: 'resync', seq: 0, session: expect.any(String) });
    // Refused (the worker tries again), and not read: a read would hold the old id again.
    expect(await second).toMatchObject({ $ts: 'error' });
    const [hash] = replayStore.keys(JSON.stringify(['ann', 'gone']));
    expect(Number(await shared.client.exists(hash)), 'the old id').toBe(0);
  });

  it('gives the worker a push made between its hello and its resume, or a resync, on a server that no longer owned the session', async () => {
    const { server, url, prefix, gate } = await startGated();
    const first = await harness.connect(`${url}/?user=ann`);
    await first.resume('s1');
    server.push('ann', 'one');
    await waitUntil(() => pushes(first).length === 1, 'push 1');
    first.socket.terminate();
    await first.closed;
    // The worker resumed on another server meanwhile: Redis names that one the owner.
    const other = new RedisReplayStore(shared.client, { prefix });
    expect(
      await other.read(JSON.stringify(['ann', 's1']), 1, { userId: 'ann', topics: new Set() }),
    ).toMatchObject({ head: 1, entries: [] });
    // Back on this server: hello, a push DIRECT refuses (answered late), then the resume.
    gate.holding = isDirect;
    const back = await harness.connect(`${url}/?user=ann`);
    await back.nonce();
    const framesBefore = server.stats().framesIn;
    server.push('ann', 'two');
    await waitUntil(() => back.messages.includes('two'), 'the plain copy');
    const answer = back.resume('s1', 1);
    await waitUntil(() => server.stats().framesIn === framesBefore + 1, 'the resume');
    gate.holding = () => false;
    gate.waiting[0]?.();
    // One past the worker's last: no push is given 2 (see `ReplayStore.read`).
    expect(await answer).toMatchObject({ $ts: 'resync', seq: 2 });
    server.push('ann', 'three');
    await waitUntil(() => pushes(back).length === 1, 'the next push');
    expect(texts(back)).toEqual([[3, 'three']]);
  });
});
