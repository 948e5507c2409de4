/**
 * Seeded fuzzing of the server over real sockets: hostile clients send random and mutated
 * protocol frames (numbers past 2^53, wrong types, deep nesting, strings up to maxPayload,
 * unknown kinds, truncated JSON, binary), relayed by the app to everybody as a chat would,
 * while a worker-like bystander pushes and sends. Reproduce a failure with its seed:
 *
 *   FUZZ_SEED=1234 npx vitest run server/fuzz.test.ts
 */
import { once } from 'node:events';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { TabSocketServer } from './server';
import { Harness, isHello, TestClient, waitUntil } from './test-support/harness';
import { Prng } from './test-support/prng';

const SEED = Number(process.env.FUZZ_SEED ?? 0x7ab5);
const FRAMES = 5_000;
const HOSTILE_CLIENTS = 6;
const MAX_PAYLOAD = 64 * 1024;
const LIMITS = {
  replay: { maxCount: 200, maxBytes: 256 * 1024 },
  sessions: { maxPerUser: 4, maxTotal: 48 },
  maxBufferedAmount: 1024 * 1024,
  maxRefusals: 40,
} as const;
/** Heap growth allowed after a full collection: the limits above hold far less. */
const MAX_HEAP_GROWTH = 96 * 1024 * 1024;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const harness = new Harness();
afterEach(() => harness.dispose());

/** One of the values a hostile client puts where a number, a string or a list belongs. */
function hostileValue(rng: Prng): unknown {
  switch (rng.int(0, 15)) {
    case 0:
      return -1;
    case 1:
      return 2 ** 53;
    case 2:
      return -(2 ** 53);
    case 3:
      return 1.5;
    case 4:
      return Number.MAX_VALUE;
    case 5:
      return null;
    case 6:
      return rng.chance(0.5);
    case 7:
      return '';
    case 8:
      return rng.string(rng.int(1, 4_096), 'ab\u0000"\\\u00e9\u{1f600}{}[]$ts');
    case 9:
      return [];
    case 10:
      return {};
    case 11:
      return deepArray(rng.int(1, 500));
    case 12:
      return Array.from({ length: rng.int(0, 2_000) }, () => rng.string(rng.int(0, 8)));
    case 13:
      return { $ts: rng.pick(['push', 'ack', 'resync']), seq: rng.int(0, 10), id: 1 };
    case 14:
      return rng.int(0, 2 ** 31);
    default:
      return rng.string(rng.int(0, 40));
  }
}

function deepArray(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Valid frames of every kind, mutated: a field replaced, dropped, added or swapped. */
function mutatedFrame(rng: Prng, nonce: string): Record<string, unknown> {
  const templates: Record<string, unknown>[] = [
    { $ts: 'resume', nonce, session: rng.string(32, '0123456789abcdef'), last: rng.int(0, 5) },
    { $ts: 'sub', topics: [rng.pick(['t', 'news', 'x'])] },
    { $ts: 'msg', id: rng.int(1, 50), text: rng.string(rng.int(0, 64)) },
    { $ts: rng.pick(['hello', 'resumed', 'resync', 'push', 'ack', 'error']), v: 1, seq: 1, nonce },
    { $ts: rng.string(rng.int(0, 12)) },
  ];
  const frame = { ...rng.pick(templates) };
  const keys = Object.keys(frame);
  const mutations = rng.int(0, 3);
  for (let m = 0; m < mutations; m++) {
    const key = rng.pick(keys);
    switch (rng.int(0, 3)) {
      case 0:
        frame[key] = hostileValue(rng);
        break;
      case 1:
        delete frame[key];
        break;
      case 2:
        frame[rng.pick(['nonce', 'session', 'last', 'id', 'text', 'topics', 'seq', 'data'])] =
          hostileValue(rng);
        break;
      default: {
        const other = rng.pick(keys);
        [frame[key], frame[other]] = [frame[other], frame[key]];
      }
    }
  }
  return frame;
}

/** What a hostile client sends next: text (maybe not JSON, maybe not UTF-8) or binary. */
function hostileFrame(rng: Prng, nonce: string): { data: string | Buffer; binary: boolean } {
  const text = (data: string) => ({ data, binary: false });
  const roll = rng.int(0, 99);
  if (roll < 1) {
    // Invalid UTF-8 in a text frame: ws closes the socket with 1007.
    return { data: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), binary: false };
  }
  if (roll < 2) return text('x'.repeat(MAX_PAYLOAD + 1)); // closed with 1009
  if (roll < 10) {
    const json = JSON.stringify(mutatedFrame(rng, nonce));
    return text(json.slice(0, rng.int(0, json.length - 1)));
  }
  if (roll < 15) return { data: Buffer.from(rng.string(rng.int(0, 256))), binary: true };
  if (roll < 20) {
    const depth = rng.int(1_000, (MAX_PAYLOAD - 2) / 2);
    return text(rng.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '['.repeat(depth));
  }
  if (roll < 24) {
    // Up to maxPayload.
    return text(`{"$ts":"msg","id":1,"text":"${'x'.repeat(rng.int(0, MAX_PAYLOAD - 27))}"}`);
  }
  if (roll < 27) return text('x'.repeat(rng.int(0, MAX_PAYLOAD)));
  if (roll < 40) {
    return text(
      rng.pick([
        `{"$ts":"resume","nonce":"${nonce}","session":"s-0123456789abcdef","last":1e400}`,
        `{"$ts":"msg","id":1e400,"text":"x"}`,
        `{"$ts":"msg","id":${rng.int(1, 2 ** 52)},"text":"far"}`,
        '{"__proto__":{"$ts":"sub"},"$ts":"sub","topics":["t"]}',
        '{"$ts":"sub","topics":["t"],"$ts":"msg"}',
        `{"$ts":"resume","nonce":"${nonce}","session":"a\\u0000b","last":0}`,
        '{"$ts":"ack","id":1}',
        '{"$ts":"push","seq":1,"data":{"by":0}}',
        'ping',
        'pong',
      ]),
    );
  }
  return text(JSON.stringify(mutatedFrame(rng, nonce)));
}

/** A hostile client's life: connect, maybe resume, send bursts, reconnect when dropped. */
async function hostile(
  rng: Prng,
  url: string,
  budget: { frames: number },
  onBurst: () => void,
): Promise<void> {
  while (budget.frames > 0) {
    const user = `hostile-${rng.int(0, 15)}`;
    const socket = new WebSocket(`${url}/?user=${user}`);
    const client = new TestClient(socket);
    harness.onDispose(() => socket.terminate());
    try {
      await once(socket, 'open');
    } catch {
      continue;
    }
    if (rng.chance(0.1)) {
      // Never reads: its buffer fills with relayed frames until the server drops it.
      (socket as unknown as { _socket: { pause(): void } })._socket.pause();
    }
    let nonce = 'n'.repeat(22);
    if (rng.chance(0.8)) {
      await Promise.race([client.waitForMessage(isHello).catch(() => ''), client.closed]);
      const hello = client.messages.find(isHello);
      if (hello) nonce = (JSON.parse(hello) as { nonce: string }).nonce;
      if (rng.chance(0.7)) {
        const session = rng.chance(0.8) ? rng.string(32, '0123456789abcdef') : rng.string(3);
        client.send({ $ts: 'resume', nonce, session, last: rng.int(0, 3) });
      }
    }
    const burst = rng.int(1, 80);
    for (let n = 0; n < burst && budget.frames > 0; n++) {
      if (socket.readyState !== WebSocket.OPEN) break;
      const frame = hostileFrame(rng, nonce);
      socket.send(frame.data, { binary: frame.binary });
      budget.frames -= 1;
      if (n % 10 === 0) onBurst();
      if (n % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
    }
    // Let the server read what was sent, mostly: a terminate drops what is still queued.
    await waitUntil(
      () => socket.readyState !== WebSocket.OPEN || socket.bufferedAmount === 0,
      'the burst written',
    );
    await new Promise((resolve) => setTimeout(resolve, rng.int(0, 5)));
    if (rng.chance(0.2)) socket.terminate();
    else socket.close();
    await Promise.race([client.closed, new Promise((resolve) => setTimeout(resolve, 50))]);
  }
}

/** The bystander's frames after its resume answer: only pushes, acks and pongs. */
function framesAfterResume(bystander: TestClient): Record<string, unknown>[] {
  const answer = bystander.messages.findIndex((text) => text.includes('"resumed"'));
  return bystander.messages.slice(answer + 1).map((text) => {
    if (text === 'pong') return { $ts: 'pong' };
    return JSON.parse(text) as Record<string, unknown>;
  });
}

async function run(seed: number): Promise<void> {
  const rng = new Prng(seed);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const { server, url } = await harness.start({
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
    maxPayload: MAX_PAYLOAD,
    liveness: { interval: 1_000, timeout: 500 },
    ...LIMITS,
  });
  const errors: unknown[] = [];
  server.on('error', (error) => errors.push(error));
  const closes: Record<number, number> = {};
  server.on('disconnection', (_client, code) => {
    closes[code] = (closes[code] ?? 0) + 1;
  });
  const bystanderMessages: unknown[] = [];
  server.on('message', (client, data, text) => {
    if (client.userId === 'bystander') {
      bystanderMessages.push(data);
      return;
    }
    // A chat: what one user says goes to everybody, as text.
    if (text !== null && text.length <= 1_024) server.broadcast(text);
  });

  const bystander = await harness.connect(`${url}/?user=bystander`);
  expect(await bystander.resume('bystander-0123456789abcdef')).toMatchObject({ $ts: 'resumed' });
  bystander.send({ $ts: 'sub', topics: ['t'] });

  let pushed = 0;
  let sent = 0;
  const peaks = { sessions: 0, remembered: 0, openSockets: 0 };
  const onBurst = () => {
    server.push('bystander', { by: ++pushed });
    if (rng.chance(0.3)) server.publish('t', { topic: 't', n: pushed });
    if (rng.chance(0.5)) {
      sent += 1;
      bystander.send({ $ts: 'msg', id: sent, text: JSON.stringify({ sent }) });
    }
    const stats = server.stats();
    peaks.sessions = Math.max(peaks.sessions, stats.sessions);
    peaks.remembered = Math.max(peaks.remembered, stats.rememberedFrames);
    peaks.openSockets = Math.max(peaks.openSockets, stats.openSockets);
  };

  const budget = { frames: FRAMES };
  const clientRngs = Array.from({ length: HOSTILE_CLIENTS }, () => new Prng(rng.int(0, 2 ** 32)));
  await Promise.all(clientRngs.map((clientRng) => hostile(clientRng, url, budget, onBurst)));

  // The bystander: every push once and in order, every message passed on once and acked.
  server.push('bystander', { by: ++pushed });
  sent += 1;
  bystander.send({ $ts: 'msg', id: sent, text: JSON.stringify({ sent }) });
  const byPushes = () =>
    framesAfterResume(bystander)
      .filter((frame) => frame.$ts === 'push' && (frame.data as { by?: number })?.by !== undefined)
      .map((frame) => (frame.data as { by: number }).by);
  await waitUntil(() => byPushes().length === pushed, 'every push at the bystander');
  await waitUntil(() => bystanderMessages.length === sent, 'every message at the app');
  const frames = framesAfterResume(bystander);
  await waitUntil(
    () => framesAfterResume(bystander).filter((frame) => frame.$ts === 'ack').length === sent,
    'every ack',
  );

  expect(byPushes()).toEqual(Array.from({ length: pushed }, (_, i) => i + 1));
  const seqs = frames.filter((frame) => frame.$ts === 'push').map((frame) => frame.seq);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  // Relayed chat lines reached it only inside pushes: nothing else but acks and pongs.
  const kinds = new Set(framesAfterResume(bystander).map((frame) => String(frame.$ts)));
  expect([...kinds].filter((kind) => !['push', 'ack', 'pong'].includes(kind))).toEqual([]);
  expect(
    framesAfterResume(bystander)
      .filter((frame) => frame.$ts === 'ack')
      .map((frame) => frame.id),
  ).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
  expect(bystanderMessages).toEqual(Array.from({ length: sent }, (_, i) => ({ sent: i + 1 })));
  expect(bystander.socket.readyState).toBe(WebSocket.OPEN);

  // Bounds.
  if (process.env.FUZZ_VERBOSE) console.log({ pushed, sent, peaks, stats: server.stats(), closes });
  expect(errors).toEqual([]);
  expect(peaks.sessions).toBeLessThanOrEqual(LIMITS.sessions.maxTotal);
  expect(peaks.remembered).toBeLessThanOrEqual(peaks.openSockets * LIMITS.replay.maxCount);
  await expectNoWedge(server, url);
  gc();
  expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(MAX_HEAP_GROWTH);
}

/** A newcomer still gets in, resumes and is pushed to. */
async function expectNoWedge(server: TabSocketServer, url: string): Promise<void> {
  const newcomer = await harness.connect(`${url}/?user=newcomer`);
  expect(await newcomer.resume('newcomer-0123456789abcdef')).toMatchObject({ $ts: 'resumed' });
  server.push('newcomer', { welcome: true });
  await newcomer.waitForMessage((text) => text.includes('"welcome":true'), 'the newcomer push');
}

describe('fuzz', () => {
  it(`keeps serving bystanders through ${FRAMES} hostile frames (seed ${SEED})`, async () => {
    try {
      await run(SEED);
    } catch (error) {
      throw new Error(
        `fuzz failed: reproduce with FUZZ_SEED=${SEED} npx vitest run server/fuzz.test.ts\n${String(error)}`,
        { cause: error },
      );
    }
  }, 30_000);
});
