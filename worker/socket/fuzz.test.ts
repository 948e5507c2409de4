import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '../../protocol/state';
import { refuseSend } from '../share/send-gate';
import {
  HELLO,
  NONCE,
  resumed,
  resync,
  resyncOnto,
  setupOpen,
  setupPlain,
  setupResumed,
} from '../test-support/connection-harness';
import { seededRandom } from '../test-support/seeded-random';

/**
 * Random and mutated server frames, in every phase of a socket, from fixed seeds: the
 * worker must not throw, must stay in a known state with a bounded number of timers and
 * waiting messages, and must work normally on the next socket. A failure names its seed.
 */

const SEEDS = Array.from({ length: 24 }, (_, index) => index + 1);
const FRAMES_PER_SEED = 400;
const STATES: ConnectionState[] = [
  'idle',
  'connecting',
  'open',
  'backoff',
  'offline',
  'closed',
  'failed',
];

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Numbers a hostile or broken server might put where a count belongs. */
function wireNumber(random: Random): unknown {
  return pick(random, [
    0,
    1,
    2,
    Math.floor(random() * 50),
    -1,
    1.5,
    2 ** 53,
    2 ** 53 + 2,
    Number.MAX_SAFE_INTEGER,
    -(2 ** 60),
    '7',
    null,
    true,
    [],
    {},
  ]);
}

function deeplyNested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** One text frame: a protocol frame, a mutation of one, or junk. */
function randomFrame(random: Random): string {
  const kind = pick(random, ['hello', 'resumed', 'resync', 'push', 'ack', 'error', 'x', 'sub']);
  const nonce = pick(random, [NONCE, undefined, 'short', 'wrong-nonce-000000000', 7]);
  const frame: Record<string, unknown> = { $ts: pick(random, [kind, kind, kind, 1, null]) };
  if (random() < 0.8) frame.nonce = nonce;
  if (random() < 0.8) frame.seq = wireNumber(random);
  if (random() < 0.5) frame.id = wireNumber(random);
  if (random() < 0.3) frame.v = pick(random, [1, 2, '1']);
  if (random() < 0.4) frame.data = pick(random, [1, 'x', { $ts: 'ack', id: 1 }, null, [1, 2]]);
  if (random() < 0.2) frame.text = pick(random, ['{"$ts":"resync","seq":9}', 'pong', 5]);
  const text = JSON.stringify(frame);
  switch (Math.floor(random() * 8)) {
    case 0:
      return text.slice(0, Math.floor(random() * text.length));
    case 1:
      return deeplyNested(1 + Math.floor(random() * 5_000));
    case 2:
      return pick(random, ['pong', 'ping', '', '{', 'null', '"$ts"', '[]', HELLO]);
    default:
      return text;
  }
}

function parseFrame(frame: unknown): Record<string, unknown> | undefined {
  try {
    return JSON.parse(String(frame)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const OUTBOX_LIMIT = 20;

function fuzzContext(random: Random) {
  const phase = pick(random, ['negotiating', 'resuming', 'resumed', 'plain'] as const);
  const overrides = { outboxLimit: OUTBOX_LIMIT, connectTimeout: 2_000 };
  switch (phase) {
    case 'negotiating':
      return setupOpen(overrides);
    case 'resuming': {
      const context = setupOpen({ heartbeat: false, ...overrides });
      context.latest().receive(HELLO);
      return context;
    }
    case 'resumed':
      return setupResumed(overrides);
    case 'plain':
      return setupPlain(overrides);
  }
}

describe('fuzz: hostile server frames', () => {
  it.each(SEEDS)('seed %i: no throw, no wedge, bounded timers and queues', async (seed) => {
    const random = seededRandom(seed);
    const context = fuzzContext(random);
    const { connection, sockets, latest } = context;
    // Sends enter through the hub's gate (`SharedConnection.send`), which bounds the outbox.
    const send = (data: string): Promise<void> => {
      const refusal = refuseSend(connection.state, connection.queued, OUTBOX_LIMIT);
      return refusal ? Promise.reject(refusal) : connection.send(data);
    };
    const pending: Array<Promise<void>> = [];

    for (let step = 0; step < FRAMES_PER_SEED; step++) {
      const action = random();
      const socket = latest();
      if (action < 0.8) {
        socket.receive(randomFrame(random));
      } else if (action < 0.85) {
        socket.receive(new Uint8Array([Math.floor(random() * 256)]).buffer);
      } else if (action < 0.92) {
        // Sends may be refused (outbox full, failed): refusal is fine, throwing is not.
        pending.push(send(`m${step}`).catch(() => undefined));
      } else if (action < 0.96) {
        vi.advanceTimersByTime(Math.floor(random() * 3_000));
      } else if (socket.readyState === 1 && random() < 0.5) {
        socket.drop();
      } else if (socket.readyState === 0) {
        socket.accept();
      }
      expect(STATES, `seed ${seed}`).toContain(connection.state);
      expect(connection.queued, `seed ${seed}`).toBeLessThanOrEqual(OUTBOX_LIMIT);
      // connect, negotiation, retry, uptime and the heartbeat: never more than these five.
      expect(vi.getTimerCount(), `seed ${seed}`).toBeLessThanOrEqual(5);
    }

    // No wedge: a fresh socket to a well-behaved server carries pushes and sends again.
    if (connection.state === 'failed' || connection.state === 'closed') connection.start();
    if (latest().readyState === 1) latest().drop();
    for (let timer = 0; connection.state !== 'connecting' && timer < 5; timer++) {
      vi.advanceTimersToNextTimer();
    }
    const socket = latest();
    socket.accept();
    socket.receive(HELLO);
    const before = context.frames.length;
    const sent = send('after');
    const resume = socket.sent.length > 0 ? parseFrame(socket.sent[0]) : undefined;
    if (resume?.$ts === 'resume') {
      // The session's last push must still be a number a server can answer: as the
      // reference server does, one below its head gets a resync to the head, one beyond
      // it (of a stream the server lost) a new session.
      expect(Number.isSafeInteger(resume.last), `seed ${seed}`).toBe(true);
      const head = 1_000;
      const last = Number(resume.last);
      if (last > head) socket.receive(resyncOnto('a-new-session-0123'));
      else socket.receive(last === head ? resumed(head) : resync(head));
      const next = last > head ? 1 : head + 1;
      socket.receive(JSON.stringify({ $ts: 'push', seq: next, data: 'after' }));
      for (const frame of socket.sent.map(parseFrame)) {
        if (frame?.$ts === 'msg') socket.receive(JSON.stringify({ $ts: 'ack', id: frame.id }));
      }
    } else {
      // This login learnt that the server is plain: a later hello is not acted on.
      socket.receive('"after"');
    }
    await sent;
    expect(context.frames.slice(before), `seed ${seed}`).toEqual([{ data: 'after' }]);
    expect(
      socket.sent.map(String).some((frame) => frame.includes('after')),
      `seed ${seed}`,
    ).toBe(true);

    connection.close();
    await Promise.all(pending);
    expect(vi.getTimerCount(), `seed ${seed}`).toBe(0);
    expect(sockets.length, `seed ${seed}`).toBeLessThan(FRAMES_PER_SEED);
  });
});
