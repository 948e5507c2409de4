/**
 * The upgrade rate limit: a token bucket on the server's clock, real sockets, a FakeClock
 * moved by hand (it stands still while the sockets talk, so no refill happens unasked).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UpgradeRateLimit } from './admission';
import { resolveOptions } from './options';
import { FakeClock } from './test-support/fake-clock';
import { Harness, isHello, within } from './test-support/harness';

const harness = new Harness();
afterEach(() => harness.dispose());

describe('UpgradeRateLimit', () => {
  it('takes a burst, then perSecond, and refills by the time passed', () => {
    const clock = new FakeClock();
    const limit = new UpgradeRateLimit({ perSecond: 10, burst: 3 }, clock);
    expect([limit.take(), limit.take(), limit.take()]).toEqual([undefined, undefined, undefined]);
    expect(limit.take()).toBeDefined();
    clock.advance(100);
    expect(limit.take()).toBeUndefined();
    expect(limit.take()).toBeDefined();
    clock.advance(10_000);
    expect([limit.take(), limit.take(), limit.take()]).toEqual([undefined, undefined, undefined]);
    expect(limit.take()).toBeDefined();
  });

  it('tells the upgrades it refuses to come back one after another, at perSecond', () => {
    const clock = new FakeClock();
    const limit = new UpgradeRateLimit({ perSecond: 100, burst: 1 }, clock);
    limit.take();
    const hints = [1, 2, 3, 4].map(() => limit.take());
    expect(hints.map((hint) => hint?.after)).toEqual([0, 10, 20, 30]);
    expect(hints[0]).toEqual({ $ts: 'retry', after: 0, within: 1_000 });
    // Time passed: what was promised is counted from now.
    clock.advance(5);
    expect(limit.take()?.after).toBe(35);
  });

  it('hints a minute at most, however large the flood', () => {
    const clock = new FakeClock();
    const limit = new UpgradeRateLimit({ perSecond: 1, burst: 1 }, clock);
    let last = 0;
    for (let i = 0; i < 200; i++) last = limit.take()?.after ?? 0;
    expect(last).toBe(60_000);
  });
});

describe('the server with upgradeRate', () => {
  it('closes an upgrade past the burst with 1013 and a retry hint, before any hello', async () => {
    const clock = new FakeClock();
    const { url, server } = await harness.start(
      { liveness: false, upgradeRate: { perSecond: 2, burst: 2 } },
      { clock },
    );
    const first = await harness.connect(url);
    await harness.connect(url);
    const refused = await harness.connect(url);
    const { code, reason } = await within(refused.closed, 'the refused socket to close');
    expect(code).toBe(1013);
    expect(JSON.parse(reason)).toEqual({ $ts: 'retry', after: 0, within: 1_000 });
    expect(refused.messages).toEqual([]);
    expect(await first.nonce()).toBeTruthy();
    expect(server.stats().openSockets).toBe(2);

    // Half a second later, one more is taken.
    clock.advance(500);
    const later = await harness.connect(url);
    await later.waitForMessage(isHello, 'hello');
  });

  it('is on by default, and off with false', () => {
    expect(resolveOptions({ port: 0 }).upgradeRate).toEqual({ perSecond: 1_000, burst: 500 });
    expect(resolveOptions({ port: 0, upgradeRate: false }).upgradeRate).toBe(false);
    expect(() => resolveOptions({ port: 0, upgradeRate: { perSecond: 0 } })).toThrow(
      /upgradeRate.perSecond/,
    );
  });
});
