/**
 * A graceful `close()`: the sockets go with 1012 and a retry hint, evenly over the drain
 * window of the injected clock; real sockets, a FakeClock moved by hand.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from './test-support/fake-clock';
import { Harness, type TestClient, waitUntil, within } from './test-support/harness';

const harness = new Harness();
afterEach(() => harness.dispose());

async function openClients(count: number) {
  const clock = new FakeClock();
  const { url, server } = await harness.start({ liveness: false }, { clock });
  const clients: TestClient[] = [];
  for (let i = 0; i < count; i++) clients.push(await harness.connect(url));
  await waitUntil(() => server.stats().openSockets === count, 'every socket');
  const closedCount = () => clients.filter((client) => client.socket.readyState > 1).length;
  return { clock, url, server, clients, closedCount };
}

describe('close({ drain })', () => {
  it('closes the sockets with 1012 evenly over the window, each told how to return', async () => {
    const { clock, server, clients, closedCount } = await openClients(10);
    const closed = server.close({ drain: 1_000, returnWithin: 30_000 });
    expect(closedCount()).toBe(0);

    clock.advance(500);
    await waitUntil(() => closedCount() === 5, 'half of them closed');
    // The drain closes its next share every 100 ms: at 999 ms, the ninth tenth.
    clock.advance(499);
    await waitUntil(() => server.stats().openSockets === 1, 'nine of them closed');
    expect(closedCount()).toBe(9);

    clock.advance(1);
    await within(closed, 'the drain to end');
    const closes = await Promise.all(clients.map((client) => client.closed));
    for (const { code, reason } of closes) {
      expect(code).toBe(1012);
      expect(JSON.parse(reason)).toEqual({ $ts: 'retry', after: 0, within: 30_000 });
    }
  });

  it('tells an upgrade during the drain the same, and leaves no timer behind', async () => {
    const { clock, url, server } = await openClients(2);
    const closed = server.close({ drain: 1_000 });
    const late = await harness.connect(url);
    const { code, reason } = await within(late.closed, 'the late socket to close');
    expect(code).toBe(1012);
    expect(JSON.parse(reason)).toEqual({ $ts: 'retry', after: 0, within: 10_000 });
    clock.advance(1_000);
    await within(closed, 'the drain to end');
    expect(clock.pending).toBe(0);
  });

  it('with a window of 0 closes every socket at once, with the hint', async () => {
    const { server, clients } = await openClients(3);
    await within(server.close({ drain: 0, returnWithin: 5_000 }), 'the close');
    const closes = await Promise.all(clients.map((client) => client.closed));
    expect(closes.map((close) => close.code)).toEqual([1012, 1012, 1012]);
  });
});
