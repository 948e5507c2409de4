/**
 * Review 18g's search (seed 980000, `--faults channel-lag,worker-death,second-build,
 * no-shared-worker,tabs,reload,logout`, run 17,656, shrunk): OLDER (the same on 94e427b), and
 * most likely the checker's.
 */
import { describe, expect, it } from 'vitest';
import { checkLogouts } from './checker';
import type { Plan } from './faults';
import { History } from './history';
import { runPlan } from './run';
import { LOGOUT_SETTLE_MS, World } from './world';

const plan: Plan = {
  seed: 1348594989,
  browsers: [{ sharedWorkers: true, channelLag: true }],
  steps: [
    { wait: 6, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: true, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
    { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 0 } },
  ],
  choices: [3, 7],
  logins: false,
};

// Invariant: after close() (logout), zero sockets and timers. Severity: low (as seen, a
// false report). What I saw (`--history`): both workers are killed at 13 as tab 1's app logs
// out and in again (h2 logout, h4 of the next login); h2's logout resolves only at 62 ("62
// h2 logged out"), on a lagging channel, after the next login's hubs began; the next login
// opens S2 at 95 and keeps its socket: "left after logout: b1 logged out at 62; 9000 ms later
// 1 sockets and 0 timers remain". The socket is the next login's, which the check counts from
// the logout's resolution rather than from its start.
// Fixed: the probe skips a browser with a handle of a later cookie login, however late the logout resolved (world.ts, checker.ts).
it('holds every invariant', async () => {
  const { violations } = await runPlan(plan);
  expect(violations).toEqual([]);
}, 60_000);

// What the probe exists for, kept: a socket of the logged-out login still open after the
// logout resolved, with no login since. The library closes its own; the stand-in is a socket
// the recorder saw open that nothing closed.
it('reports a socket left after a logout with no login since', async () => {
  const world = new World({ seed: 1, choices: [], browsers: [{ sharedWorkers: true }] });
  try {
    const [browser] = world.browsers;
    if (!browser) throw new Error('no browser');
    browser.logIn('alice');
    const tab = world.openTab(browser, 0, 'build-a', [{ interest: 'all' }]);
    await world.sim.runUntil(1_000);
    const [handle] = tab.handles;
    if (!handle) throw new Error('no handle');
    expect(await loggedOut(world, handle)).toBe(true);
    world.history.browserSockets.opened(browser.id, world.sim.now);
    await world.sim.runUntil(world.sim.now + LOGOUT_SETTLE_MS + 1);
    expect(world.history.live.map(({ invariant }) => invariant)).toEqual(['left after logout']);
  } finally {
    world.dispose();
  }
}, 60_000);

/** Logs out through `handle`, running the world until close() settles. */
async function loggedOut(world: World, handle: Parameters<World['logout']>[0]): Promise<boolean> {
  let settled: boolean | undefined;
  void world.logout(handle).then((resolved) => {
    settled = resolved;
  });
  while (settled === undefined) await world.sim.runUntil(world.sim.now + 10);
  return settled;
}

// The same search's run 17,656, shrunk again once the socket was no longer reported: its
// push-after-logout face. h1's logout resolves at 18 and the next login's handles open at
// 18; h2's close() of the same login resolves only at 1018, on a lagging channel; the next
// login's worker names S1 first at 37, and its handles hear S1's pushes made at 20303:
// "push after logout ... after b1 logged alice out at 1018". OLDER (the same check before
// review 19), and the checker's: nothing of the ended login went anywhere.
const pushPlan: Plan = {
  seed: 1347937781,
  browsers: [{ sharedWorkers: true, channelLag: true }],
  steps: [
    { wait: 3, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 0, aim: true, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
    { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 0 } },
  ],
  choices: [7],
  logins: false,
};

describe('a login logged out twice, the second close() resolving after the next login began', () => {
  // Fixed: the logout check dates a login's end from its first logout's resolution (checker.ts).
  it('holds every invariant', async () => {
    const { violations } = await runPlan(pushPlan);
    expect(violations).toEqual([]);
  }, 60_000);

  it('still reports a push of a session begun before the first logout resolved', () => {
    // Once per logout of it.
    expect(reported({ firstSeen: 10, secondLogin: 1 })).toEqual([
      'push after logout',
      'push after logout',
    ]);
  });

  it('does not report a push of a session begun after the first logout resolved', () => {
    expect(reported({ firstSeen: 37, secondLogin: 1 })).toEqual([]);
  });

  // Per login: a session first seen at 37 is the next login's, which its own logout ended.
  it('still reports a push of the next login after that login logged out', () => {
    expect(reported({ firstSeen: 37, secondLogin: 2 })).toEqual(['push after logout']);
  });
});

/**
 * b1 logs alice's login 1 out at 18, and `secondLogin` out at 1018; p2, made at 20303 into
 * S (first seen at `firstSeen`), is heard at 20318 by h3, opened at 18.
 */
function reported(story: { firstSeen: number; secondLogin: number }): string[] {
  const history = new History();
  history.sessionBrowser.set('S', 'b1');
  history.sessionFirstSeen.set('S', story.firstSeen);
  history.logouts.push({ browser: 'b1', user: 'alice', login: 1, at: 18 });
  history.logouts.push({ browser: 'b1', user: 'alice', login: story.secondLogin, at: 1018 });
  history.pushes.set(2, {
    id: 2,
    user: 'alice',
    topic: 'a',
    at: 20303,
    streams: new Map([['S', 1]]),
    appendedAt: new Map([['b1', 20303]]),
  });
  history.handles.set(3, {
    id: 3,
    lineage: 'h3',
    browser: 'b1',
    user: 'alice',
    login: 2,
    interest: 'all',
    openedAt: 18,
    events: [{ at: 20318, kind: 'frame', push: 2, session: 'S' }],
    pageAlive: () => true,
  });
  return checkLogouts(history).map(({ invariant }) => invariant);
}
