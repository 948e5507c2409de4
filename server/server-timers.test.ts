/**
 * The server's timing on an injected clock: the sockets are real, the time is a FakeClock
 * that a test moves by hand, so every deadline is met exactly and no test sleeps.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { TabSocketServerOptions } from './options';
import type { TabSocketServer } from './server';
import { suspendOn } from './sockets/heartbeat-suspension';
import { FakeClock } from './test-support/fake-clock';
import { Harness, type TestClient, waitUntil, within } from './test-support/harness';

const harness = new Harness();
afterEach(() => harness.dispose());

async function start(clock: FakeClock, options: Omit<TabSocketServerOptions, 'port'> = {}) {
  return harness.start({ liveness: false, ...options }, { clock });
}

/** Counts the pongs the server's side of every socket open now receives. */
function countPongs(server: TabSocketServer): { count: number } {
  const pongs = { count: 0 };
  for (const socket of server.wss.clients as Set<WebSocket>) {
    socket.on('pong', () => (pongs.count += 1));
  }
  return pongs;
}

/** Stops reading the client's TCP socket: it neither sees nor answers what the server sends. */
function stopReading(client: TestClient): void {
  (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
}

describe('liveness on the injected clock', () => {
  it('drops a silent peer at interval + timeout, and keeps one that answers pings', async () => {
    const clock = new FakeClock();
    const { server, url, port } = await start(clock, {
      liveness: { interval: 1_000, timeout: 500 },
    });
    const answering = await harness.connect(url);
    await harness.silentPeer(port, '/');
    await waitUntil(() => server.stats().openSockets === 2, 'both sockets');
    const pongs = countPongs(server);

    clock.advance(1_000);
    await waitUntil(() => pongs.count === 1, 'the pong of the answering client');
    clock.advance(499);
    expect(server.stats().openSockets).toBe(2);

    const dropped = once(server, 'disconnection');
    clock.advance(1);
    await within(dropped, 'the silent peer dropped');
    expect(server.stats().openSockets).toBe(1);
    expect(answering.socket.readyState).toBe(answering.socket.OPEN);
  });

  it('goes by the injected clock alone, never by real time', async () => {
    const clock = new FakeClock();
    const { url } = await start(clock, { liveness: { interval: 5, timeout: 5 } });
    const client = await harness.connect(url);
    let pings = 0;
    client.socket.on('ping', () => (pings += 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pings).toBe(0);
    clock.advance(5);
    await waitUntil(() => pings === 1, 'the ping of the first sweep');
  });
});

describe('session expiry on the injected clock', () => {
  /** A worker's session whose socket then closed: the session waits for it. */
  async function detachedSession(server: TabSocketServer, url: string): Promise<void> {
    const client = await harness.connect(url);
    await client.resume('session-0123456789abcdef');
    client.socket.close();
    await waitUntil(() => server.stats().openSockets === 0, 'the close');
    expect(server.stats().sessions).toBe(1);
  }

  it('forgets a session without a socket once replay.maxAge has passed', async () => {
    const clock = new FakeClock();
    // maxAge 4 s: swept every second.
    const { server, url } = await start(clock, { replay: { maxAge: 4_000 } });
    await detachedSession(server, url);
    clock.advance(3_999);
    expect(server.stats().sessions).toBe(1);
    clock.advance(1);
    expect(server.stats().sessions).toBe(0);
  });

  it('forgets it at the first sweep past maxAge, not at the one before', async () => {
    const clock = new FakeClock();
    const { server, url } = await start(clock, { replay: { maxAge: 4_000 } });
    clock.advance(2_500);
    await detachedSession(server, url); // detached at 2.5 s: expired at 6.5 s, swept at 7 s
    clock.advance(4_499);
    expect(server.stats().sessions).toBe(1);
    clock.advance(1);
    expect(server.stats().sessions).toBe(0);
  });

  it('keeps a session whose worker came back', async () => {
    const clock = new FakeClock();
    const { server, url } = await start(clock, { replay: { maxAge: 4_000 } });
    await detachedSession(server, url);
    const back = await harness.connect(url);
    expect(await back.resume('session-0123456789abcdef')).toMatchObject({ $ts: 'resumed' });
    clock.advance(60_000);
    expect(server.stats()).toMatchObject({ sessions: 1, openSockets: 1 });
  });
});

describe('close() on the injected clock', () => {
  it('leaves no timer of any owner pending', async () => {
    const clock = new FakeClock();
    const { server, url } = await start(clock, {
      liveness: { interval: 1_000, timeout: 900 },
      maxRefusals: 0,
    });
    const client = await harness.connect(url);
    await client.resume('session-0123456789abcdef');
    expect(clock.pending).toBe(2); // the session sweep and the liveness sweep
    clock.advance(1_000);
    expect(clock.pending).toBe(3); // + the liveness deadline

    // A refused frame past maxRefusals: a close the client never reads, so its deadline runs.
    stopReading(client);
    client.send({ $ts: 'bogus' });
    await waitUntil(() => clock.pending === 4, 'the close deadline');
    suspendOn(clock, server, 60_000);
    expect(clock.pending).toBe(5);

    await server.close();
    expect(clock.pending).toBe(0);
  });
});
