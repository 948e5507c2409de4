/** The store's numbering of fan-outs across servers (session-numbering.ts) on a real Redis. */
import { describe, expect, it } from 'vitest';
import type { FanoutMessage } from '../stores';
import { pushPayload } from '../stores/push-payload';
import { redisForTheFile } from '../test-support/redis-server';
import { FanoutLog } from './fanout-log';
import { RedisReplayStore } from './redis-replay-store';

const shared = redisForTheFile();
let prefixes = 0;

const bodyOf = (message: FanoutMessage) => `"data":${JSON.stringify(message.d)}`;
const holder = (userId: string, ...topics: string[]) => ({ userId, topics: new Set(topics) });

/** Two servers' stores on one prefix, remembering the same fan-outs. */
function servers(remember = 100) {
  const prefix = `numbering${++prefixes}:`;
  const log = new FanoutLog(remember);
  const store = () => {
    const replay = new RedisReplayStore(shared.client, { prefix });
    replay.followFanout(log, bodyOf);
    return replay;
  };
  return { prefix, log, a: store(), b: store() };
}

/** Makes fan-out `n` on the server of `store`, as the router does: to `sessions`. */
function fanout(
  log: FanoutLog,
  store: RedisReplayStore,
  n: number,
  message: FanoutMessage,
  sessions: string[],
) {
  let numbers: unknown;
  log.make(n, message, () => {
    numbers = store.appendMany(sessions, pushPayload(bodyOf(message)));
  });
  return numbers;
}

describe('numbering fan-outs on Redis', () => {
  it('moves the anchors on, so that a session is counted across more fan-outs than are remembered', async () => {
    const { log, a, b } = servers(8);
    await a.read('ann', 0, holder('ann'));
    await a.read('bob', 0, holder('bob'));
    for (let n = 1; n <= 50; n++) fanout(log, a, n, { k: 'u', u: 'ann', d: n }, ['ann']);
    // Renewing after the anchors' writes: they are in Redis once this answers.
    expect(await a.touch('ann')).toBe(true);
    const ann = await b.read('ann', 48, holder('ann'));
    expect(ann.entries?.map((entry) => [entry.seq, entry.payload.body])).toEqual([
      [49, '"data":49'],
      [50, '"data":50'],
    ]);
    // No fan-out was for bob: his anchors moved on all the same.
    expect(await b.read('bob', 0, holder('bob'))).toMatchObject({ head: 0, entries: [] });
    // Too far behind for what is remembered: the worker resyncs, above any number it had.
    expect(await b.read('ann', 20, holder('ann'))).toMatchObject({ entries: undefined });
  });

  it('writes a publish made by new topics once Redis has them, and counts it on any server', async () => {
    const { log, a, b } = servers();
    await a.read('ann', 0, holder('ann'));
    expect(fanout(log, a, 1, { k: 't', t: 'prices', d: 1 }, [])).toEqual([]);
    a.interest('ann', holder('ann', 'prices'));
    const numbers = fanout(log, a, 2, { k: 't', t: 'prices', d: 2 }, ['ann']);
    expect(numbers, 'waits for the topics to be kept').toBeInstanceOf(Promise);
    expect(await numbers).toEqual([1]);
    expect(fanout(log, a, 3, { k: 't', t: 'prices', d: 3 }, ['ann']), 'then at once').toEqual([2]);
    const read = await b.read('ann', 0, holder('ann'));
    expect(read.topics).toEqual(['prices']);
    expect(read.entries?.map((entry) => entry.payload.body)).toEqual(['"data":2', '"data":3']);
  });

  it('lets a session go when Redis cannot keep its new topics: nothing counted by them is written', async () => {
    const { log } = servers();
    let down = false;
    const errors: unknown[] = [];
    const flaky = {
      sendCommand: (args: ReadonlyArray<string>) =>
        down ? Promise.reject(new Error('Redis is down')) : shared.client.sendCommand([...args]),
    };
    const store = new RedisReplayStore(flaky, {
      prefix: `numbering${++prefixes}:`,
      onError: (error) => errors.push(error),
    });
    store.followFanout(log, bodyOf);
    await store.read('ann', 0, holder('ann'));
    down = true;
    store.interest('ann', holder('ann', 'prices'));
    expect(await fanout(log, store, 1, { k: 't', t: 'prices', d: 1 }, ['ann'])).toEqual([
      undefined,
    ]);
    expect(errors).toHaveLength(1);
  });

  it('ends a session whose new topics Redis could not keep, however long no push comes', async () => {
    const { log } = servers();
    /** A command carrying this text fails. */
    let failing: string | undefined;
    const flaky = {
      sendCommand: (args: ReadonlyArray<string>) =>
        failing !== undefined && args.some((arg) => arg.includes(failing as string))
          ? Promise.reject(new Error('Redis refused it'))
          : shared.client.sendCommand([...args]),
    };
    const errors: unknown[] = [];
    const store = new RedisReplayStore(flaky, {
      prefix: `numbering${++prefixes}:`,
      onError: (error) => errors.push(error),
    });
    store.followFanout(log, bodyOf);
    await store.read('ann', 0, holder('ann'));
    await store.read('bob', 0, holder('bob'));
    failing = '"prices"';
    for (const user of ['ann', 'bob']) {
      store.interest(user, holder(user, 'prices'));
      await shared.client.ping();
    }
    failing = undefined;
    expect(errors).toHaveLength(2);
    // Redis still names this server the owner: the session ends here all the same.
    expect(await store.touch('ann'), 'the sweep ends its socket').toBe(false);
    expect(fanout(log, store, 1, { k: 'b', d: 1 }, ['bob']), 'or the next push').toEqual([
      undefined,
    ]);
    // The worker resumes, here or elsewhere, and the session is numbered again.
    expect(await store.read('bob', 0, holder('bob', 'prices'))).toMatchObject({
      head: 1,
      entries: [{ seq: 1 }],
    });
    expect(fanout(log, store, 2, { k: 'b', d: 2 }, ['bob'])).toEqual([2]);
  });

  it('keeps at most 8 interests per session, however many subs: bytes in Redis stay flat', async () => {
    const { log, a, b } = servers(10_000);
    await a.read('ann', 0, holder('ann'));
    const [hash] = a.keys('ann');
    const interestBytes = async () => {
      await a.touch('ann');
      return Number(await shared.client.hStrLen(hash, 'interests'));
    };
    // Four topics of 256 characters a sub; a publish for the new set after every other one.
    const topics = (sub: number) => [1, 2, 3, 4].map((k) => `${sub}-${k}-`.padEnd(256, 'x'));
    const bytes: number[] = [];
    let made = 0;
    for (let sub = 1; sub <= 400; sub++) {
      a.interest('ann', holder('ann', ...topics(sub)));
      if (sub % 2 === 0) {
        made += 1;
        fanout(log, a, made, { k: 't', t: topics(sub)[0] as string, d: made }, ['ann']);
      }
      if (sub % 10 === 0) bytes.push(await interestBytes());
    }
    // About 1,080 bytes an interest: never more than 8 of them, after 400 subs as after 10.
    expect(Math.max(...bytes)).toBeLessThanOrEqual(8 * 1_100);
    // Counted the same on another server: each publish was for the topics of its time.
    const read = await b.read('ann', made - 1, holder('ann', ...topics(400)));
    expect(read).toMatchObject({ head: made, entries: [{ seq: made }] });
  });

  it('counts the fan-outs made while a resume reads a session for whom the server routed them', async () => {
    const { log, a, b } = servers();
    await a.read('s1', 0, holder('old'));
    const read = a.read('s1', 0, holder('old'));
    // Anonymous: another socket resumes the session meanwhile; the server routes to its user.
    a.interest('s1', holder('new'));
    expect(fanout(log, a, 1, { k: 'u', u: 'new', d: 1 }, ['s1']), 'counted by the read').toEqual([
      0,
    ]);
    expect(fanout(log, a, 2, { k: 'u', u: 'old', d: 2 }, [])).toEqual([]);
    expect((await read).entries?.map((entry) => entry.payload.body)).toEqual(['"data":1']);
    // Once Redis has whom it is for now.
    expect(await fanout(log, a, 3, { k: 'b', d: 3 }, ['s1'])).toEqual([2]);
    const again = await b.read('s1', 0, holder('new'));
    expect(again.entries?.map((entry) => entry.payload.body)).toEqual(['"data":1', '"data":3']);
  });

  it('counts the fan-outs made after a failed read for whom the server routed them', async () => {
    const { prefix, log } = servers();
    let failing = false;
    const flaky = {
      sendCommand: (args: ReadonlyArray<string>) =>
        failing && args.some((arg) => arg.includes('XREVRANGE'))
          ? Promise.reject(new Error('Redis refused the read'))
          : shared.client.sendCommand([...args]),
    };
    const a = new RedisReplayStore(flaky, { prefix });
    a.followFanout(log, bodyOf);
    await a.read('s1', 0, holder('old'));
    failing = true;
    await expect(a.read('s1', 0, holder('old'))).rejects.toThrow('Redis refused the read');
    failing = false;
    // Anonymous: another socket resumes the session; the server routes to its user at once.
    a.interest('s1', holder('new'));
    expect(fanout(log, a, 1, { k: 'u', u: 'new', d: 1 }, ['s1']), 'counted by a read').toEqual([0]);
    expect(fanout(log, a, 2, { k: 'u', u: 'old', d: 2 }, [])).toEqual([]);
    const read = await a.read('s1', 0, holder('new'));
    expect(read.entries?.map((entry) => entry.payload.body)).toEqual(['"data":1']);
  });

  it('waits for the fan-outs Redis numbered before the read to reach this server', async () => {
    const { prefix, log, a, b } = servers();
    await a.read('ann', 0, holder('ann'));
    fanout(log, a, 1, { k: 'b', d: 1 }, ['ann']);
    // Fan-out 2 was numbered (and made by the session's last server), not yet made here.
    await shared.client.set(`${prefix}fanout:n`, '2');
    let settled = false;
    const read = b.read('ann', 2, holder('ann')).finally(() => {
      settled = true;
    });
    // Answered after the READ, on the same connection: the read has its reply by then.
    await shared.client.ping();
    expect(settled).toBe(false);
    fanout(log, a, 2, { k: 'b', d: 2 }, ['ann']);
    expect(await read).toMatchObject({ head: 2, entries: [] });
  });
});

describe('a session counted below the worker', () => {
  it("numbers on from the worker's last past the fan-outs Redis numbered, also once its anchors move on", async () => {
    const { prefix, log, a } = servers();
    const store = (replay: { maxCount?: number } = {}) => {
      const made = new RedisReplayStore(shared.client, { prefix, replay });
      made.followFanout(log, bodyOf);
      return made;
    };
    await a.read('ann', 0, holder('ann'));
    // Redis numbered 5 fan-outs this server has not made (its read gives up waiting for them):
    // the worker got 3 pushes of them elsewhere.
    await shared.client.set(`${prefix}fanout:n`, '5');
    const b = store({ maxCount: 4 });
    // One past it: a resume from 3 again (this answer lost) resyncs too.
    expect(await b.read('ann', 3, holder('ann'))).toMatchObject({ head: 4, entries: undefined });
    // Direct pushes move the anchors on (half of maxCount), before the 5 fan-outs come late.
    expect(
      await Promise.all([5, 6].map((n) => b.append('ann', pushPayload(`"data":${n}`)))),
    ).toEqual([5, 6]);
    for (let n = 1; n <= 5; n++) {
      expect(
        fanout(log, b, n, { k: 'u', u: 'ann', d: n }, ['ann']),
        'counted in the anchor',
      ).toEqual([0]);
    }
    // Numbered once Redis has the anchor past the worker's last (which may still be on its way).
    expect(await fanout(log, b, 6, { k: 'u', u: 'ann', d: 6 }, ['ann'])).toEqual([7]);
    expect(await b.touch('ann')).toBe(true);
    // Another server counts the same.
    expect(await store().read('ann', 7, holder('ann'))).toMatchObject({ head: 7, entries: [] });
  });
});

describe('a session held while Redis answers late or fails', () => {
  it('keeps a session a resume reads when a "not held" answer asked before the read comes after it', async () => {
    const { log, a, b } = servers();
    await a.read('ann', 0, holder('ann'));
    // The worker went to B, then comes back to A while A's sweep asks Redis about it.
    await b.read('ann', 0, holder('ann'));
    const touched = a.touch('ann');
    // The sweep's CHECKPOINT is sent (at the end of the task), then the resume's READ.
    await Promise.resolve();
    const read = a.read('ann', 0, holder('ann'));
    expect(await read).toMatchObject({ head: 0, entries: [] });
    expect(await touched, 'held again: its socket stays').toBe(true);
    expect(fanout(log, a, 1, { k: 'b', d: 1 }, ['ann']), 'numbered, so written').toEqual([1]);
    const direct = a.append('ann', pushPayload('"data":2'));
    await shared.client.ping();
    expect(await Promise.race([direct, 'waits'])).toBe(2);
  });
});
