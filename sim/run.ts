/**
 * One run of the simulation: a world, the plan's steps at their times, then a healing
 * period (no faults, the server up) and a last push per user and topic that every live
 * handle must hear; then the checker reads the history.
 */
import type { SimHandle, Tab } from './browser';
import { type CheckOptions, check, DEFAULT_CHECK } from './checker';
import { INTERESTS, type Plan, type Step, TOPICS, USERS } from './faults';
import type { Violation } from './history';
import type { SocketPair } from './network';
import { SIM_SESSIONS } from './server-process';
import { World } from './world';

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

export async function runPlan(
  plan: Plan,
  options: { check?: CheckOptions; trace?: boolean } = {},
): Promise<RunResult> {
  const world = new World({
    seed: plan.seed,
    choices: plan.choices,
    browsers: plan.browsers,
    trace: options.trace ?? false,
  });
  try {
    const driver = new Driver(world);
    driver.start();
    for (const { wait, step } of plan.steps) {
      await world.sim.runUntil(world.sim.now + wait);
      driver.apply(step);
      driver.probeMemory();
    }
    await world.sim.runUntil(world.sim.now + HEAL_MS);
    driver.finalPushes();
    await world.sim.runUntil(world.sim.now + FINAL_MS);
    driver.probeMemory();
    driver.checkFinalDelivery();
    const violations = [
      ...check(world.history, options.check ?? DEFAULT_CHECK),
      ...driver.violations,
    ];
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

/** Applies steps to the world, choosing their targets among what exists now. */
class Driver {
  readonly violations: Violation[] = [];
  /** Who is logged in in each browser, and since when (the app's login state). */
  readonly #user = new Map<string, { user: string; since: number }>();
  #nextSlot = 0;
  #finalPushes: number[] = [];

  constructor(readonly world: World) {}

  start(): void {
    for (const browser of this.world.browsers) {
      this.#user.set(browser.id, { user: 'alice', since: 0 });
      this.world.openTab(browser, this.#nextSlot++, 'build-a', 'alice', [{ interest: 'all' }]);
    }
  }

  #tabs(): Tab[] {
    return this.world.browsers.flatMap((browser) => [...browser.tabs]);
  }

  #handles(): SimHandle[] {
    return this.#tabs().flatMap((tab) =>
      tab.handles.filter(
        (handle) => this.world.history.handles.get(handle.id)?.endedAt === undefined,
      ),
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
        if (handle)
          world.inTab(handle.tab, () => {
            for (let i = 0; i < step.count; i += 1) world.send(handle);
          });
        return;
      }
      case 'open-tab': {
        const browser = pickOf(world.browsers, step.browser);
        if (!browser) return;
        const login = this.#user.get(browser.id);
        if (!login) return;
        const build = step.build === 0 ? 'build-a' : 'build-b';
        world.openTab(browser, this.#nextSlot++, build, login.user, [
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
        const user = tab && this.#user.get(tab.browser.id)?.user;
        if (tab && user) {
          const spec = { interest: INTERESTS[step.interest] as string };
          world.inTab(tab, () => world.openHandle(tab, user, spec));
        }
        return;
      }
      case 'topics': {
        const handle = pickOf(this.#handles(), step.pick);
        if (!handle) return;
        const spec = { interest: INTERESTS[step.interest] as string };
        world.inTab(handle.tab, () => {
          world.openHandle(handle.tab, handle.user, spec);
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
      case 'kill-worker': {
        const workers = world.browsers.flatMap((browser) => browser.liveWorkers());
        const worker = pickOf(workers, step.pick);
        if (worker) world.killWorker(worker);
        return;
      }
      case 'server-restart':
        if (world.server) world.restartServer(step.keepSessions, step.downFor);
        return;
      case 'logout': {
        const handle = pickOf(this.#handles(), step.pick);
        if (handle) world.inTab(handle.tab, () => world.logout(handle));
        return;
      }
      case 'login':
        this.#login(step.pick, USERS[step.user] as string);
        return;
      case 'expire-token':
        world.expireToken(USERS[step.user] as string);
        return;
    }
  }

  /** The page goes and comes back in the same tab: its handles continue in the new page. */
  #reload(pickIndex: number): void {
    const tab = pickOf(this.#tabs(), pickIndex);
    if (!tab) return;
    const { world } = this;
    const live = tab.handles.filter(
      (handle) => world.history.handles.get(handle.id)?.endedAt === undefined,
    );
    world.closeTab(tab, () => {
      const next = tab.browser.openTab(tab.slot, tab.build);
      world.inTab(next, () => {
        for (const handle of live) world.openHandle(next, handle.user, handle.spec, handle.lineage);
      });
    });
  }

  /** Logs the tab's user out (if logged in), then in as `user`, with the same interests. */
  #login(pickIndex: number, user: string): void {
    const tab = pickOf(this.#tabs(), pickIndex);
    if (!tab) return;
    const { world } = this;
    const live = tab.handles.filter(
      (handle) => world.history.handles.get(handle.id)?.endedAt === undefined,
    );
    this.#user.set(tab.browser.id, { user, since: world.sim.now });
    const specs = live.length > 0 ? live.map((handle) => handle.spec) : [{ interest: 'all' }];
    world.inTab(tab, () => {
      const [current] = live;
      const loggedOut = current ? world.logout(current) : Promise.resolve();
      void loggedOut.then(() => {
        for (const handle of live) world.release(handle);
        world.inTab(tab, () => {
          for (const spec of specs) world.openHandle(tab, user, spec);
        });
      });
    });
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

function pickOf<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}
