/**
 * A message that says where it was written before (`was`: another session of the login) is
 * passed on once across the two sessions, whichever copy comes first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryReplayStore } from '../memory/memory-replay-store';
import type { MaybePromise } from '../stores/maybe-promise';
import type { PushPayload } from '../stores/push-payload';
import type { ReplayRead, ReplayStore } from '../stores/replay-store';
import { Harness, type TestClient, waitUntil } from '../test-support/harness';

const harness = new Harness();
afterEach(() => harness.dispose());

async function start() {
  const started = await harness.start({
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
  const received: unknown[] = [];
  started.server.on('message', (_client, data) => received.push(data));
  /** A worker of `user` attached to `session`. */
  const worker = async (user: string, session: string): Promise<TestClient> => {
    const client = await harness.connect(`${started.url}/?user=${user}`);
    await client.resume(session, 0);
    return client;
  };
  return { received, worker };
}

describe('a message written before under another session (was)', () => {
  it('is acked and not passed on when the session it names passed it on', async () => {
    const { received, worker } = await start();
    const old = await worker('ann', 's1');
    await old.sendAcked({ id: 3, text: '"once"' });
    const next = await worker('ann', 's2');
    await next.sendAcked({ id: 1, text: '"once"', was: { session: 's1', id: 3 } });
    await next.sendAcked({ id: 2, text: '"next"' });
    expect(received).toEqual(['once', 'next']);
  });

  it('goes on, and the old session drops its copy that comes later', async () => {
    const { received, worker } = await start();
    const old = await worker('ann', 's1');
    const next = await worker('ann', 's2');
    await next.sendAcked({ id: 1, text: '"once"', was: { session: 's1', id: 3 } });
    await old.sendAcked({ id: 3, text: '"once"' });
    await old.sendAcked({ id: 4, text: '"next"' });
    expect(received).toEqual(['once', 'next']);
  });

  it('is passed on when the session it names is unknown, or of another user', async () => {
    const { received, worker } = await start();
    const bobs = await worker('bob', 's1');
    await bobs.sendAcked({ id: 3, text: '"bob"' });
    const ann = await worker('ann', 's2');
    await ann.sendAcked({ id: 1, text: '"ann"', was: { session: 's1', id: 3 } });
    await ann.sendAcked({ id: 2, text: '"made up"', was: { session: 'nowhere', id: 1 } });
    // Nothing was recorded in bob's session: his own id 4, and so on, go on as before.
    await bobs.sendAcked({ id: 4, text: '"bob again"' });
    await waitUntil(() => received.length === 4, 'four messages');
    expect(received).toEqual(['bob', 'ann', 'made up', 'bob again']);
  });

  it('is checked against its own session first: a resend of it is not passed on again', async () => {
    const { received, worker } = await start();
    await worker('ann', 's1');
    const next = await worker('ann', 's2');
    const frame = { id: 1, text: '"once"', was: { session: 's1', id: 3 } };
    await next.sendAcked(frame);
    await next.sendAcked(frame);
    expect(received).toEqual(['once']);
  });
});

/** The in-memory store, but `seen` rejects for the session key `failing`. */
class FailingSeenStore implements ReplayStore {
  readonly #memory = new MemoryReplayStore({ maxCount: 100, maxAge: 60_000, maxBytes: 1 << 20 });
  failing = '';
  append(session: string, payload: PushPayload): number {
    return this.#memory.append(session, payload);
  }
  read(session: string, last: number | undefined): ReplayRead {
    return this.#memory.read(session, last);
  }
  seen(session: string, id: number, window: number): MaybePromise<boolean> {
    if (session === this.failing) return Promise.reject(new Error('seen failed'));
    return this.#memory.seen(session, id, window);
  }
  drop(session: string): void {
    this.#memory.drop(session);
  }
}

describe('a message with was, the check of the other session failing', () => {
  it('is passed on once and acked: its own session recorded it already', async () => {
    const store = new FailingSeenStore();
    const { server, url } = await harness.start({
      replayStore: store,
      authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
    });
    const received: unknown[] = [];
    const errors: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    server.on('storeError', (error) => errors.push(error));
    const old = await harness.connect(`${url}/?user=ann`);
    await old.resume('s1', 0);
    const next = await harness.connect(`${url}/?user=ann`);
    await next.resume('s2', 0);
    store.failing = JSON.stringify(['ann', 's1']);
    const frame = { id: 1, text: '"kept"', was: { session: 's1', id: 3 } };
    await next.sendAcked(frame);
    await next.sendAcked(frame);
    expect(received).toEqual(['kept']);
    expect(errors).toHaveLength(1);
  });
});
