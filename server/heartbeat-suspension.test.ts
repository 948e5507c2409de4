import { afterEach, describe, expect, it, vi } from 'vitest';
import { suspendHeartbeatAnswers } from './heartbeat-suspension';
import { Harness, waitUntil } from './test-support/harness';

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
