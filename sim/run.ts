/**
 * One run of the simulation: a world, the plan's steps at their times, then a healing
 * period (no faults, the server up) and a last push per user and topic that every live
 * handle must hear; then the checker reads the history.
 */
import { sessionSweepPeriod } from '../server/sessions/session';
import type { Browser, SimHandle, Tab } from './browser';
import { type CheckOptions, check, DEFAULT_CHECK } from './checker';
import { INTERESTS, type Plan, type Step, type TimedStep, TOPICS, USERS } from './faults';
import type { Violation } from './history';
import type { SocketPair } from './network';
import type { Lane } from './scheduler';
import { SIM_REPLAY, SIM_SESSIONS } from './server-process';
import { World, type WorldRedis } from './world';

export interface RunResult {
  violations: Violation[];
  fingerprint: string;
  tasks: number;
  simulatedMs: number;
  world: World;
}

/** After the last step: long enough for every backoff (≤ 4 s) and handover to settle. */
const HEAL_MS = 20_000;
const FINAL_MS = 8_000;
/** After the sweep on a healed Redis: time for the sockets it ended to resume. */
const SETTLE_MS = 3_000;

export async function runPlan(
  plan: Plan,
  options: { check?: CheckOptions; trace?: boolean; redis?: WorldRedis } = {},
): Promise<RunResult> {
  const world = new World({
    ...(options.redis ? { redis: options.redis } : {}),
    seed: plan.seed,
    choices: plan.choices,
    browsers: plan.browsers,
    trace: options.trace ?? false,
    logins: plan.logins ?? false,
  });
  try {
    const driver = new Driver(world);
    driver.start();
    const end = scheduleSteps(world, driver, plan.steps);
    await world.sim.runUntil(end + HEAL_MS);
    // Writes a step said would fail and none made yet (sweeps 5 s apart take one each) would
    // fail the last pushes themselves: they are made healed. A sweep on the healed Redis
    // then finds the sessions it lost while every sweep failed (their sockets end and
    // resume), as a real server's next sweep does: until then, a push to one is lost,
    // with a `resync` (seed 803 of round 19, older).
    if (world.healRedis()) {
      await world.sim.runUntil(world.sim.now + sessionSweepPeriod(SIM_REPLAY.maxAge) + SETTLE_MS);
    }
    driver.finalPushes();
    await world.sim.runUntil(world.sim.now + FINAL_MS);
    driver.probeMemory();
    driver.checkFinalDelivery();
    const checks = options.check ?? DEFAULT_CHECK;
    const violations = [...check(world.history, checks), ...driver.violations].filter(
      (violation) => !checks.ignore?.includes(violation.invariant),
    );
    return {
      violations,
      fingerprint: world.history.fingerprint(),
      tasks: world.sim.tasksRun,
      simulatedMs: world.sim.now,
      world,
    };
  } finally {
    world.dispose();
  }
}

/**
 * Each step is a task at its time, so it competes with what else is due then. An aimed step
 * is moved to the arrival of the next burst of frames at a browser, if one comes within
 * 50 ms: a step that lands between two frames of one burst is what finds the races there.
 * Answers when the last step runs at the latest.
 */
function scheduleSteps(world: World, driver: Driver, steps: readonly TimedStep[]): number {
  const { sim } = world;
  const lane = sim.lane('steps', () => sim.root);
  const toBrowser = (candidate: Lane) =>
    candidate.name.startsWith('ws') && candidate.name.endsWith('<');
  const post = (index: number, after: number) => {
    const timed = steps[index];
    if (!timed) return;
    const at = after + timed.wait;
    const arrival = timed.aim ? sim.nextDue(at, toBrowser) : undefined;
    const due = arrival !== undefined && arrival <= at + 50 ? arrival : at;
    sim.post(
      lane,
      timed.step.kind,
      () => {
        driver.apply(timed.step);
        driver.probeMemory();
        post(index + 1, sim.now);
      },
      due - sim.now,
    );
  };
  post(0, 0);
  return steps.reduce((latest, { wait }) => latest + wait + 50, 0);
}

/**
 * Applies steps to the world, choosing their targets among what exists now. The app it
 * plays keeps its login per browser, as a cookie does: a page connects on load only while
 * logged in, the url function reads the cookie, logout ends the login in every page, and
 * a login connects every page as the new user.
 */
class Driver {
  readonly violations: Violation[] = [];
  #nextSlot = 0;
  #finalPushes: number[] = [];
  /** Each browser's login running now, if any: the next waits for it. */
  readonly #logins = new Map<Browser, Promise<void>>();

  constructor(readonly world: World) {}

  start(): void {
    for (const browser of this.world.browsers) {
      browser.logIn('alice');
      this.world.openTab(browser, this.#nextSlot++, 'build-a', [{ interest: 'all' }]);
    }
  }

  #tabs(): Tab[] {
    return this.world.browsers.flatMap((browser) => [...browser.tabs]);
  }

  #current(tab: Tab): SimHandle[] {
    return tab.handles.filter(
      (handle) => this.world.history.handles.get(handle.id)?.endedAt === undefined,
    );
  }

  /** Handles of the login now in place in their browser. */
  #handles(): SimHandle[] {
    return this.#tabs().flatMap((tab) =>
      this.#current(tab).filter((handle) => handle.user === tab.browser.user),
    );
  }

  #pairs(): SocketPair[] {
    return this.world.browsers.flatMap((browser) =>
      browser
        .liveWorkers()
        .flatMap((worker) =>
          worker.sockets.map((end) => end.pair).filter((pair) => pair.live && pair.serverEnd),
        ),
    );
  }

  apply(step: Step): void {
    const { world } = this;
    switch (step.kind) {
      case 'push':
        for (let i = 0; i < step.count; i += 1) {
          world.push(USERS[step.user] as string, TOPICS[step.topic] as string);
        }
        return;
      case 'send': {
        const handle = pickOf(this.#handles(), step.pick);
        if (handle) {
          world.inTab(handle.tab, () => {
            for (let i = 0; i < step.count; i += 1) world.send(handle);
          });
        }
        return;
      }
      case 'open-tab': {
        const browser = pickOf(world.browsers, step.browser);
        if (!browser) return;
        const build = step.build === 0 ? 'build-a' : 'build-b';
        world.openTab(browser, this.#nextSlot++, build, [
          { interest: INTERESTS[step.interest] as string },
        ]);
        return;
      }
      case 'close-tab': {
        const tab = pickOf(this.#tabs(), step.pick);
        if (tab) world.closeTab(tab);
        return;
      }
      case 'crash-tab': {
        const tab = pickOf(this.#tabs(), step.pick);
        if (tab) world.crashTab(tab);
        return;
      }
      case 'reload-tab':
        this.#reload(step.pick);
        return;
      case 'second-handle': {
        const tab = pickOf(this.#tabs(), step.pick);
        const spec = { interest: INTERESTS[step.interest] as string };
        if (tab) world.inTab(tab, () => world.openHandle(tab, spec));
        return;
      }
      case 'topics': {
        const handle = pickOf(this.#handles(), step.pick);
        if (!handle) return;
        const spec = { interest: INTERESTS[step.interest] as string };
        world.inTab(handle.tab, () => {
          world.openHandle(handle.tab, spec);
          world.release(handle);
        });
        return;
      }
      case 'drop-socket':
        pickOf(this.#pairs(), step.pick)?.drop();
        return;
      case 'blackhole':
        pickOf(this.#pairs(), step.pick)?.blackhole();
        return;
      case 'half-open':
        pickOf(this.#pairs(), step.pick)?.halfOpen();
        return;
      case 'kill-worker':
      case 'kill-new-worker': {
        // A worker dies once it has answered a page, or (early) before it did: the early
        // death is a kind of its own, as on main it hangs the page and would hide the rest.
        const answered = step.kind === 'kill-worker';
        const workers = world.browsers.flatMap((browser) =>
          browser.liveWorkers().filter((worker) => worker.answered === answered),
        );
        const worker = pickOf(workers, step.pick);
        if (worker) world.killWorker(worker);
        return;
      }
      case 'server-restart':
        if (world.server) world.restartServer(step.keepSessions, step.downFor);
        return;
      case 'logout': {
        const handle = pickOf(this.#handles().filter(notEnded), step.pick);
        if (!handle) return;
        const { tab } = handle;
        tab.browser.user = undefined;
        // A login asked for meanwhile waits for it, as it waits for another login.
        this.#queueLogin(tab.browser, (done) =>
          world.inTab(tab, () => {
            // Released meanwhile (a topic change in the same instant): the page's live handle
            // logs out, as the app offers logout only where it shows the login.
            if (this.#live(tab).includes(handle)) this.#logOut(handle, done);
            else this.#logOutIn(tab, handle.user, done, new Set());
          }),
        );
        return;
      }
      case 'login':
        this.#login(step.pick, USERS[step.user] as string);
        return;
      case 'expire-token':
        world.expireToken(USERS[step.user] as string);
        return;
      case 'redis-restart':
        world.restartRedis();
        return;
      case 'redis-write-failure':
        world.failRedisWrites(step.count);
        return;
      case 'renew-login': {
        const browser = pickOf(world.browsers, step.browser);
        if (browser?.user === undefined) return;
        browser.login += 1;
        world.history.line(world.sim.now, `${browser.id} login renewed`);
        return;
      }
      case 'offline': {
        const browser = pickOf(world.browsers, step.browser);
        if (browser) world.goOffline(browser, step.duration);
        return;
      }
      case 'block-upgrades': {
        const browser = pickOf(world.browsers, step.browser);
        if (browser) world.blockUpgrades(browser, step.duration, step.cut);
        return;
      }
    }
  }

  /** The page goes and comes back in the same tab: its handles continue in the new page. */
  #reload(pickIndex: number): void {
    const tab = pickOf(this.#tabs(), pickIndex);
    if (!tab) return;
    const { world } = this;
    // The handles the page holds as it unloads (a step may replace one before), whose
    // cursors its pagehide saves for the next page.
    let live: SimHandle[] = [];
    const unloading = () => {
      live = this.#current(tab);
    };
    world.closeTab(
      tab,
      () => {
        const next = world.openTab(tab.browser, tab.slot, tab.build, []);
        world.inTab(next, () => {
          for (const handle of live) {
            // The same login continues its lineage; another one (a new user, or the same after
            // a logout) starts a new one.
            const openedAt = world.history.handles.get(handle.id)?.openedAt ?? 0;
            const loggedOut = world.history.logouts.some(
              (logout) => logout.browser === tab.browser.id && logout.at >= openedAt,
            );
            const sameLogin = handle.user === next.browser.user && !loggedOut;
            const lineage = sameLogin ? handle.lineage : undefined;
            world.openHandle(next, handle.spec, lineage);
          }
        });
      },
      unloading,
    );
  }

  /**
   * The browser's user logs out (if logged in; through a page of `pickIndex`), then in as
   * `user`: every page lets its handles go and connects again, with the same interests. The
   * app logs in once at a time: a login asked for while one runs waits for it.
   */
  #login(pickIndex: number, user: string): void {
    const tab = pickOf(this.#tabs(), pickIndex);
    if (!tab) return;
    this.#queueLogin(tab.browser, (done) => this.#loginNow(tab, user, done));
  }

  #queueLogin(browser: Browser, run: (done: () => void) => void): void {
    const previous = this.#logins.get(browser) ?? Promise.resolve();
    this.#logins.set(
      browser,
      previous.then(() => new Promise<void>(run)),
    );
  }

  /** The page's handles still in their login: the only ones its app logs out through. */
  #live(tab: Tab): SimHandle[] {
    return this.#current(tab).filter(notEnded);
  }

  #loginNow(tab: Tab, user: string, done: () => void): void {
    const { world } = this;
    const { browser } = tab;
    const via = tab.context.alive ? tab : [...browser.tabs].find((page) => page.context.alive);
    if (!via) {
      done();
      return;
    }
    const [current] = this.#handles().filter(
      (handle) => handle.tab.browser === browser && notEnded(handle),
    );
    const previous = browser.user;
    browser.user = undefined;
    // The same user again with no logout between: the login the cookie names goes on.
    const loggedIn = (afterLogout: boolean) => {
      if (afterLogout) browser.logIn(user);
      else browser.user = user;
      for (const page of browser.tabs) {
        world.inTab(page, () => {
          const live = this.#current(page);
          const specs = live.length > 0 ? live.map((handle) => handle.spec) : [{ interest: 'all' }];
          for (const handle of live) world.release(handle);
          for (const spec of specs) world.openHandle(page, spec);
        });
      }
      done();
    };
    if (!current && (previous === undefined || previous === user)) {
      loggedIn(previous === undefined);
      return;
    }
    // Without a handle of the login in any page (they reloaded or closed) a worker may still
    // hold it: the app, which knows from its cookie that another user is logged in, logs it
    // out through a handle of its own (url functions all count as one login: docs/api.md,
    // Expiring tokens).
    world.inTab(current?.tab ?? via, () => {
      // Released meanwhile (a topic change in the same instant): not one to log out with.
      let handle = current && this.#live(current.tab).includes(current) ? current : undefined;
      if (!handle && (previous === undefined || previous === user)) {
        loggedIn(previous === undefined);
        return;
      }
      if (!handle) {
        browser.user = previous;
        handle = world.openHandle(via, { interest: 'all' });
        browser.user = undefined;
      }
      if (handle) this.#logOut(handle, () => loggedIn(true));
      else loggedIn(true);
    });
  }

  /**
   * Logs out through `handle`, then goes on. A logout refused (its page's worker silent:
   * the handle failed, `worker-silent`; or the handle was replaced) closed nothing, and the
   * login lives on in the workers other pages reach: a fresh worker the dead one's other
   * pages started. So the app, told, logs out again through another page of the browser
   * (a handle of the login there, or one of its own), before it logs anyone in: a new
   * user's `connect()` would join the login that lives on (url functions all count as one
   * login: docs/api.md, Expiring tokens).
   */
  #logOut(handle: SimHandle, then: () => void, tried = new Set<Tab>()): void {
    const { world } = this;
    tried.add(handle.tab);
    void world.logout(handle).then((loggedOut) => {
      const { browser } = handle.tab;
      const page = [...browser.tabs].find((tab) => tab.context.alive && !tried.has(tab));
      if (loggedOut || !page) {
        then();
        return;
      }
      world.inTab(page, () => this.#logOutIn(page, handle.user, then, tried));
    });
  }

  /** Logs `user` out through `page`: a live handle there, or one of its own. */
  #logOutIn(page: Tab, user: string, then: () => void, tried: Set<Tab>): void {
    const { browser } = page;
    let handle = this.#live(page)[0];
    if (!handle) {
      const now = browser.user;
      browser.user = user;
      handle = this.world.openHandle(page, { interest: 'all' });
      browser.user = now;
    }
    if (handle) this.#logOut(handle, then, tried);
    else then();
  }

  /** Memory per session stays within its bounds. */
  probeMemory(): void {
    const { world } = this;
    const sessions = world.store.sessionCount;
    if (sessions > SIM_SESSIONS.maxTotal) {
      this.violations.push({
        invariant: 'memory',
        detail: `the replay store holds ${sessions} sessions (bound ${SIM_SESSIONS.maxTotal})`,
      });
    }
    const stats = world.server?.server.stats();
    if (stats && stats.rememberedFrames > stats.openSockets * SIM_REPLAY.maxCount) {
      this.violations.push({
        invariant: 'memory',
        detail: `${stats.openSockets} sockets remember ${stats.rememberedFrames} frames (bound ${SIM_REPLAY.maxCount} each)`,
      });
    }
    for (const browser of world.browsers) {
      for (const worker of browser.liveWorkers()) {
        const queued = worker.hub?.inspect('default')?.queued ?? 0;
        if (queued > 1_000) {
          this.violations.push({
            invariant: 'memory',
            detail: `${worker.context.id} queues ${queued} sends`,
          });
        }
      }
    }
  }

  finalPushes(): void {
    const first = this.world.history.pushes.size + 1;
    for (const user of USERS) for (const topic of TOPICS) this.world.push(user, topic);
    this.#finalPushes = [...this.world.history.pushes.keys()].filter((id) => id >= first);
  }

  /** After healing, every open handle of a live page hears the last pushes it wants. */
  checkFinalDelivery(): void {
    const { history } = this.world;
    for (const handle of history.handles.values()) {
      if (handle.endedAt !== undefined || !handle.pageAlive()) continue;
      const lastState = handle.events.filter((event) => event.kind === 'state').at(-1);
      if (lastState?.kind !== 'state' || lastState.state !== 'open') continue;
      const heard = new Set(
        handle.events.flatMap((event) => (event.kind === 'frame' ? [event.push] : [])),
      );
      for (const id of this.#finalPushes) {
        const push = history.pushes.get(id);
        if (!push || push.user !== handle.user) continue;
        if (handle.interest !== 'all' && handle.interest !== push.topic) continue;
        if (!heard.has(id)) {
          this.violations.push({
            invariant: 'not delivered after healing',
            detail: `h${handle.id} (${handle.lineage}), open, never heard p${id} (${push.user}/${push.topic})`,
          });
        }
      }
    }
  }
}

/**
 * Whether the handle is still in its login: one `closed` or `failed` (a `connect()` that
 * joined a login another page was logging out closes with it: docs/design.md, One socket per
 * browser) is not, and the app, told so, does not log out through it (its `close()` does
 * nothing).
 */
function notEnded(handle: SimHandle): boolean {
  return handle.socket.state !== 'closed' && handle.socket.state !== 'failed';
}

function pickOf<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}
