import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../test-support/fake-clock';
import { Harness, waitUntil } from '../test-support/harness';
import { suspendHeartbeatAnswers, suspendOn } from './heartbeat-suspension';

const harness = new Harness();
afterEach(() => harness.dispose());

describe('suspendHeartbeatAnswers', () => {
  it('reads pings without answering them for the given time, then answers again', async () => {
    const { server, url } = await harness.start();
    const seenByApp: unknown[] = [];
    server.on('message', (_client, data) => seenByApp.push(data));
    const client = await harness.connect(url);

    suspendHeartbeatAnswers(server, 150);
    client.send('ping');
    client.send('marker');
    // Frames of one socket are handled in order: once the marker is in, the ping was read.
    await waitUntil(() => seenByApp.length > 0, 'the marker');
    expect(seenByApp).toEqual(['marker']);
    expect(server.stats()).toMatchObject({ framesIn: 2, framesOut: 1 }); // hello only

    await new Promise((resolve) => setTimeout(resolve, 200));
    client.send('ping');
    await client.waitForMessage((text) => text === 'pong', 'the pong after the suspension');
  });

  it('answers again at once after a call with 0', async () => {
    const { server, url } = await harness.start();
    const client = await harness.connect(url);
    suspendHeartbeatAnswers(server, 60_000);
    suspendHeartbeatAnswers(server, 0);
    client.send('ping');
    await client.waitForMessage((text) => text === 'pong', 'the pong');
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 31, '5'])(
    'throws a RangeError for %s and leaves answers on',
    async (ms) => {
      const { server, url } = await harness.start();
      expect(() => suspendHeartbeatAnswers(server, ms as number)).toThrow(RangeError);
      const client = await harness.connect(url);
      client.send('ping');
      await client.waitForMessage((text) => text === 'pong', 'the pong');
    },
  );

  it('throws once the server is closed', async () => {
    const { server } = await harness.start();
    await server.close();
    expect(() => suspendHeartbeatAnswers(server, 1000)).toThrow('TabSocketServer is closed');
  });

  it('leaves no timer behind after close()', async () => {
    vi.useFakeTimers({
      shouldAdvanceTime: true,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    });
    try {
      const { server } = await harness.start({ liveness: false });
      const before = vi.getTimerCount();
      suspendHeartbeatAnswers(server, 60_000);
      expect(vi.getTimerCount()).toBe(before + 1);

      await server.close();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('suspendOn (the suspension on the server’s own clock)', () => {
  async function setup() {
    const clock = new FakeClock();
    const { server, url } = await harness.start({ liveness: false }, { clock });
    const client = await harness.connect(url);
    const pongs = () => client.messages.filter((text) => text === 'pong').length;
    /** Sends a ping; resolves once the server has read it. */
    const ping = async () => {
      const before = server.stats().framesIn;
      client.send('ping');
      await waitUntil(() => server.stats().framesIn === before + 1, 'the ping read');
    };
    return { clock, server, client, pongs, ping };
  }

  it('holds pongs back until the clock reaches its end, then removes its gate', async () => {
    const { clock, server, client, pongs, ping } = await setup();
    suspendOn(clock, server, 1_000);
    expect(clock.pending).toBe(2); // the session sweep and the suspension
    clock.advance(999);
    await ping();
    expect(server.stats().framesOut).toBe(1); // hello only: the pong is written at once or never
    clock.advance(1);
    expect(clock.pending).toBe(1);
    client.send('ping');
    await waitUntil(() => pongs() === 1, 'the pong after the suspension');
  });

  it('replaces an earlier suspension, clearing its timer', async () => {
    const { clock, server } = await setup();
    suspendOn(clock, server, 60_000);
    suspendOn(clock, server, 1_000);
    expect(clock.pending).toBe(2);
    clock.advance(1_000);
    expect(clock.pending).toBe(1);
  });

  it('ends at once with 0, clearing its timer', async () => {
    const { clock, server, client, pongs } = await setup();
    suspendOn(clock, server, 60_000);
    suspendOn(clock, server, 0);
    expect(clock.pending).toBe(1);
    client.send('ping');
    await waitUntil(() => pongs() === 1, 'the pong');
  });
});
