import { describe, expect, it } from 'vitest';
import { tabLockName } from '../../protocol/locks';
import { FakeLocks } from '../test-support/fake-locks';
import { WrittenSends } from './relay-written';

const S1 = { session: 'S1', id: 7 };

/** A tab holding its lifetime lock; `close()` lets it go, as the page's end does. */
async function liveTab(locks: FakeLocks, tabId: string) {
  let close = (): void => {};
  await new Promise<void>((held) => {
    void locks.request(tabLockName(tabId), () => {
      held();
      return new Promise<void>((done) => {
        close = done;
      });
    });
  });
  return { close };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('WrittenSends: the ids an owner keeps for its peers’ tabs', () => {
  it('gives a re-posted send where it was written, and before, until its re-post is written', async () => {
    const locks = new FakeLocks();
    await liveTab(locks, 'tab-1');
    const written = new WrittenSends(locks);
    const renumbered = { session: 'S2', id: 8, before: [{ session: 'S1', id: 3 }] };
    written.record('tab-1:1', 'hub-b', 1, S1);
    written.record('tab-1:2', 'hub-b', 2, renumbered);
    // Whatever session the owner is on now: `numberingUnder` names it then.
    expect(written.writtenAt('tab-1:2')).toEqual(renumbered);
    // Posted again through a hub that died before its re-post was written: still known.
    expect(written.writtenAt('tab-1:1')).toEqual(S1);
    expect(written.writtenAt('tab-1:1')).toEqual(S1);
    // Written for hub-c, which then hears its id: forgotten.
    written.record('tab-1:1', 'hub-c', 4, S1);
    written.heard('hub-c', [4]);
    expect(written.writtenAt('tab-1:1')).toBeUndefined();
  });

  it('forgets a send once its peer heard its id, and not another peer’s of the same number', async () => {
    const locks = new FakeLocks();
    await liveTab(locks, 'tab-1');
    const written = new WrittenSends(locks);
    written.record('tab-1:1', 'hub-b', 1, S1);
    written.record('tab-1:2', 'hub-c', 1, { session: 'S1', id: 8 });
    written.heard('hub-b', [1]);
    expect(written.writtenAt('tab-1:1')).toBeUndefined();
    expect(written.writtenAt('tab-1:2')).toEqual({ session: 'S1', id: 8 });
  });

  it('forgets the sends of a tab once the tab is gone (its lifetime lock comes)', async () => {
    const locks = new FakeLocks();
    const gone = await liveTab(locks, 'tab-1');
    await liveTab(locks, 'tab-2');
    const written = new WrittenSends(locks);
    written.record('tab-1:1', 'hub-b', 1, S1);
    written.record('tab-2:1', 'hub-b', 2, { session: 'S1', id: 8 });
    gone.close();
    await settle();
    expect(written.writtenAt('tab-1:1')).toBeUndefined();
    expect(written.writtenAt('tab-2:1')).toEqual({ session: 'S1', id: 8 });
  });

  it('stops waiting for the tabs’ locks once disposed', async () => {
    const locks = new FakeLocks();
    await liveTab(locks, 'tab-1');
    const signals: Array<AbortSignal | undefined> = [];
    const written = new WrittenSends({
      request: (name, options, callback) => {
        signals.push(options.signal);
        return locks.request(name, options, callback);
      },
    });
    written.record('tab-1:1', 'hub-b', 1, S1);
    written.record('tab-1:2', 'hub-b', 2, { session: 'S1', id: 8 });
    expect(signals).toHaveLength(1);
    written.dispose();
    expect(signals[0]?.aborted).toBe(true);
    expect(written.writtenAt('tab-1:2')).toBeUndefined();
  });
});
