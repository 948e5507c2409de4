/**
 * Review 15 (attacks on d6a311c, `HeardStream.detach`): a relaying hub with two tabs on the
 * old url, one of which opens the name with a new url. The hub replaces the login for all
 * its tabs (one login per name and hub: `Hub.open`), and the registry delivers by name.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** Tab `tab-old` and `tab-b` on u1 in hub b (`relaying`: a owns the socket, else b does); tab-b opens u2. */
async function switchUrl(relaying: boolean) {
  const name = `url-switch-other-tab-${relaying}`;
  const u1 = relayOptions(name);
  const u2 = { ...u1, url: 'ws://127.0.0.1:9/other' };
  const a = relaying ? world.startHub('build-a') : undefined;
  const b = world.startHub('build-b');
  if (a) {
    const tabA = await world.attachTab(a.hub, 'tab-a');
    await tabA.api.open('tab-a', u1);
    handshake(world.latest());
  }
  const tabB = await world.attachTab(b.hub, 'tab-b');
  const tabOld = await world.attachTab(b.hub, 'tab-old');
  await tabB.api.open('tab-b', u1);
  tabB.api.setInterest('tab-b', name, ALL);
  if (!a) handshake(world.latest());
  await tabOld.api.open('tab-old', u1);
  tabOld.api.setInterest('tab-old', name, ALL);
  await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
  const sockets = world.sockets.length;
  await tabB.api.open('tab-b', u2);
  tabB.api.setInterest('tab-b', name, ALL);
  await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(sockets));
  const next = handshake(world.latest());
  await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
  // What tab-old heard of the name until u2's first push: u1's end should be among it.
  const heardBefore = [...tabOld.states()];
  next.socket.receive(push(1));
  await vi.waitFor(() => expect(tabB.frames()).toHaveLength(1));
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { heardBefore, tabOld };
}

describe('a hub’s other tab on the old url, as one of its tabs switches url', () => {
  it('of the owner hub: hears the old login end (closed:replaced) before the new url’s push', async () => {
    const { heardBefore } = await switchUrl(false);
    expect(heardBefore).toContain('closed:replaced');
  });

  // Invariant: no push of another login reaches a handle (foreign push); a new url under a
  // known name replaces the old login everywhere. Severity: high where the two urls are two
  // users' (the handle of u1 in tab-old hears u2's pushes and states as its own, for good);
  // none where one user's url changes only. OLDER in part: at d6a311c~1 tab-old also heard
  // u2's `connecting`/`open` and push before u1's `closed:replaced` reached it (late: the
  // owner's word); since d6a311c (`HeardStream.detach`) that end never reaches it at all.
  // What I saw: tab-old's states ["connecting:start","open:open"] (u2's) and u2's push
  // {n: 1}, no `closed:*`. Mechanism: the owner hub's `close('replaced')` posts u1's end to
  // every tab of the name at once; a relaying hub's posts nothing (it waits for the owner's
  // word, now detached), and the registry hands u2's events to tab-old by name.
  // Fixed: a relaying hub tells its tabs the old login's end as it replaces it, as an owner
  // does. That tab-old then follows u2 is the documented design ("every attached tab
  // follows", docs/api.md): a url switch is the browser's re-login, as the owner hub's tabs
  // follow it too; this test asked for no u2 push, which the owner-hub case does not hold either.
  it('of a relaying hub: hears the old login end before the new url’s push', async () => {
    const { heardBefore } = await switchUrl(true);
    expect(heardBefore).toContain('closed:replaced');
  });
});
