/**
 * Review 18g's search (seed 980000, `--faults channel-lag,worker-death,second-build,
 * no-shared-worker,tabs,reload,logout`, run 17,656, shrunk): OLDER (the same on 94e427b), and
 * most likely the checker's.
 */
import { expect, it } from 'vitest';
import type { Plan } from './faults';
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
