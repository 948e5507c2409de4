/**
 * The server on a store that answers later, and out of order (as a remote one may settle):
 * pushes are still numbered once per session and written in order, a resume's replay meets
 * the live stream without a gap or a double, and messages are passed on once, in order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryReplayStore } from './memory/memory-replay-store';
import { MAX_WAITING_FRAMES } from './sockets/frame-handler';
import type { PushPayload } from './stores/push-payload';
import type { ReplayRead, ReplayStore } from './stores/replay-store';
import { Harness, type TestClient, waitUntil } from './test-support/harness';

const harness = new Harness();
afterEach(() => harness.dispose());

/**
 * Applies every call at once, in the order made (like one connection to Redis), and answers
 * after 0 to 3 ms, so that answers settle out of order. `fail` makes the next calls of a kind
 * reject.
 */
class LateStore implements ReplayStore {
  readonly #memory = new MemoryReplayStore({ maxCount: 1_000, maxAge: 60_000, maxBytes: 1 << 20 });
  readonly fail = { append: false, read: false, seen: false };
  /** Calls of these kinds never answer, as a store whose connection is down. */
  readonly hang = { seen: false };

  append(session: string, payload: PushPayload): Promise<number> {
    return this.#later('append', () => this.#memory.append(session, payload));
  }
  read(session: string, last: number | undefined): Promise<ReplayRead> {
    return this.#later('read', () => this.#memory.read(session, last));
  }
  seen(session: string, id: number, window: number): Promise<boolean> {
    return this.#later('seen', () => this.#memory.seen(session, id, window));
  }
  drop(session: string): Promise<void> {
    return this.#later('drop', () => this.#memory.drop(session));
  }

  #later<T>(kind: string, call: () => T): Promise<T> {
    if (this.hang[kind as keyof LateStore['hang']]) return new Promise(() => {});
    const failing = this.fail[kind as keyof LateStore['fail']] ?? false;
    const value = failing ? undefined : call();
    return new Promise((resolve, reject) =>
      setTimeout(
        () => (failing ? reject(new Error(`${kind} failed`)) : resolve(value as T)),
        Math.floor(Math.random() * 4),
      ),
    );
  }
}

async function start(store: ReplayStore) {
  return harness.start({
    replayStore: store,
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
}

function pushes(client: TestClient): Array<{ seq: number; data: unknown; text?: string }> {
  return client.json().filter((frame) => (frame as { $ts?: string }).$ts === 'push') as Array<{
    seq: number;
    data: unknown;
    text?: string;
  }>;
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => from + index);

describe('a store that answers later', () => {
  it('numbers and writes pushes in the order they were made, per session', async () => {
    const { server, url } = await start(new LateStore());
    const clients = await Promise.all(
      ['s1', 's2', 's3'].map(async (session) => {
        const client = await harness.connect(`${url}/?user=ann`);
        expect(await client.resume(session)).toMatchObject({ $ts: 'resumed', seq: 0 });
        return client;
      }),
    );
    for (let n = 1; n <= 300; n++) server.push('ann', n);
    for (const client of clients) {
      await waitUntil(() => pushes(client).length === 300, 'every push');
      expect(pushes(client).map((push) => push.seq)).toEqual(range(1, 300));
      expect(pushes(client).map((push) => push.data)).toEqual(range(1, 300));
    }
  });

  it('meets the live stream after a replay: no push missing, none twice', async () => {
    const { server, url } = await start(new LateStore());
    const first = await harness.connect(`${url}/?user=ann`);
    await first.resume('s1');
    let n = 0;
    const timer = setInterval(() => {
      for (let burst = 0; burst < 5; burst++) server.push('ann', ++n);
    }, 1);
    try {
      await waitUntil(() => pushes(first).length >= 40, 'some pushes');
      const last = pushes(first).at(-1)?.seq ?? 0;
      // The same worker on a new socket, while pushes keep coming.
      const second = await harness.connect(`${url}/?user=ann`);
      const answer = await second.resume('s1', last);
      expect(answer).toMatchObject({ $ts: 'resumed' });
      await waitUntil(() => pushes(second).length >= 100, 'pushes on the new socket');
      clearInterval(timer);
      const seqs = pushes(second).map((push) => push.seq);
      expect(seqs).toEqual(range(last + 1, last + seqs.length));
      expect(pushes(second).map((push) => push.data)).toEqual(seqs);
    } finally {
      clearInterval(timer);
    }
  });

  it('passes each message on once, in order, and handles frames sent behind the resume', async () => {
    const { server, url } = await start(new LateStore());
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const client = await harness.connect(`${url}/?user=ann`);
    const nonce = await client.nonce();
    client.send({ $ts: 'resume', nonce, session: 's1', last: 0 });
    // Not waiting for the answer: these must wait for the resume, not make the socket plain.
    for (const id of range(1, 50)) client.send({ $ts: 'msg', id, text: String(id) });
    for (const id of range(1, 50)) client.send({ $ts: 'msg', id, text: String(id) });
    const acks = () => client.json().filter((frame) => (frame as { $ts?: string }).$ts === 'ack');
    await waitUntil(() => acks().length === 100, 'every ack');
    expect(received).toEqual(range(1, 50));
    expect(client.json()[1]).toMatchObject({ $ts: 'resumed', seq: 0 });
  });

  it('numbers a push two sockets got before resuming once in a session started anew for one', async () => {
    // A dying worker's socket and its successor's got the push plainly. The first resumes a
    // stream the store does not have: the session started anew takes the push as #1 before
    // its read settles. The successor then resumes that session: its copy is that push.
    const { server, url } = await start(new LateStore());
    const dying = await harness.connect(`${url}/?user=ann`);
    const successor = await harness.connect(`${url}/?user=ann`);
    await dying.nonce();
    await successor.nonce();
    server.push('ann', 'one');
    await waitUntil(
      () => dying.messages.includes('one') && successor.messages.includes('one'),
      'the plain copies',
    );
    const answer = await dying.resume('gone', 5);
    expect(answer).toMatchObject({ $ts: 'resync', seq: 0, session: expect.any(String) });
    await successor.resume(answer.session, 0);
    server.push('ann', 'two');
    await waitUntil(() => pushes(successor).some((push) => push.text === 'two'), 'push two');
    expect(pushes(successor).map((push) => [push.seq, push.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
  });

  it('answers heartbeats while a frame waits for the store, and keeps the rest in order', async () => {
    const store = new LateStore();
    const { url } = await start(store);
    const client = await harness.connect(`${url}/?user=ann`);
    await client.resume('s1');
    store.hang.seen = true;
    client.send({ $ts: 'msg', id: 1, text: '"stuck"' });
    client.send('ping');
    await client.waitForMessage((text) => text === 'pong', 'the pong');
    expect(client.json().some((frame) => (frame as { $ts?: string }).$ts === 'ack')).toBe(false);
  });

  it('closes with 1013 a socket that goes on sending while its frames wait for the store', async () => {
    const store = new LateStore();
    const { url } = await start(store);
    const client = await harness.connect(`${url}/?user=ann`);
    await client.resume('s1');
    store.hang.seen = true;
    for (const id of range(1, MAX_WAITING_FRAMES + 10)) {
      client.send({ $ts: 'msg', id, text: String(id) });
    }
    expect(await client.closed).toMatchObject({ code: 1013 });
  });

  it('reports a failing store and keeps serving: a push lost, a resume refused with 1013', async () => {
    const store = new LateStore();
    const { server, url } = await start(store);
    const errors: unknown[] = [];
    server.on('storeError', (error) => errors.push(error));
    const client = await harness.connect(`${url}/?user=ann`);
    await client.resume('s1');
    store.fail.append = true;
    server.push('ann', 'lost');
    await waitUntil(() => errors.length === 1, 'the append error');
    store.fail.append = false;
    server.push('ann', 'kept');
    await waitUntil(() => pushes(client).length === 1, 'the next push');
    expect(pushes(client)[0]).toMatchObject({ seq: 1 });

    store.fail.read = true;
    const refused = await harness.connect(`${url}/?user=ann`);
    expect(await refused.resume('s2')).toMatchObject({ $ts: 'error', code: 'overloaded' });
    expect((await refused.closed).code).toBe(1013);
    expect(errors).toHaveLength(2);
  });
});
