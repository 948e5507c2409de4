/**
 * The steps of a run, as data fast-check generates and shrinks: the app's own actions
 * (pushes, sends, topic changes, logins) and the faults, each drawn per step. A step names
 * what it acts on by an index taken modulo what exists when it runs, so any shrunk plan
 * still runs.
 */
import fc from 'fast-check';

export const USERS = ['alice', 'bob'] as const;
export const INTERESTS = ['all', 'a', 'b'] as const;
export const TOPICS = ['a', 'b'] as const;

export type Step =
  | { kind: 'push'; user: number; topic: number; count: number }
  | { kind: 'send'; pick: number; count: number }
  | { kind: 'open-tab'; browser: number; build: number; interest: number }
  | { kind: 'close-tab'; pick: number }
  | { kind: 'crash-tab'; pick: number }
  | { kind: 'reload-tab'; pick: number }
  | { kind: 'second-handle'; pick: number; interest: number }
  | { kind: 'topics'; pick: number; interest: number }
  | { kind: 'drop-socket'; pick: number }
  | { kind: 'blackhole'; pick: number }
  | { kind: 'half-open'; pick: number }
  | { kind: 'kill-worker'; pick: number }
  | { kind: 'kill-new-worker'; pick: number }
  | { kind: 'server-restart'; keepSessions: boolean; downFor: number }
  | { kind: 'logout'; pick: number }
  | { kind: 'login'; pick: number; user: number }
  | { kind: 'expire-token'; user: number }
  /** The session cookie renewed under a new login id with no logout (a rotated `sid`). */
  | { kind: 'renew-login'; browser: number }
  | { kind: 'offline'; browser: number; duration: number }
  | { kind: 'block-upgrades'; browser: number; duration: number; cut: boolean }
  | { kind: 'redis-restart' }
  | { kind: 'redis-write-failure'; count: number };

export type StepKind = Step['kind'];

/** Groups of steps, for `--faults`: the app's steps always run; these can be chosen. */
export const FAULT_KINDS = {
  socket: ['drop-socket'],
  blackhole: ['blackhole', 'half-open'],
  tabs: ['open-tab', 'close-tab', 'crash-tab'],
  reload: ['reload-tab'],
  'second-handle': ['second-handle'],
  topics: ['topics'],
  'worker-death': ['kill-worker'],
  'early-worker-death': ['kill-new-worker'],
  'server-restart': ['server-restart'],
  logout: ['logout', 'login'],
  token: ['expire-token', 'renew-login'],
  offline: ['offline'],
  'blocked-upgrade': ['block-upgrades'],
  'second-build': ['open-tab'],
  'no-shared-worker': [],
  'channel-lag': [],
  'redis-restart': ['redis-restart'],
  'redis-write': ['redis-write-failure'],
} as const satisfies Record<string, readonly StepKind[]>;

export type FaultKind = keyof typeof FAULT_KINDS;
/** Kinds that need a real Redis (sim/redis.test.ts). */
export const REDIS_FAULTS: readonly FaultKind[] = ['redis-restart', 'redis-write'];
/**
 * Kinds a search runs only when `--faults` names them: a lagging BroadcastChannel meets races
 * still open (sim/README.md, "Still open"), which would hide every other finding.
 */
export const OPT_IN_FAULTS: readonly FaultKind[] = ['channel-lag'];
/** Every kind the in-memory store runs by default. */
export const ALL_FAULTS = (Object.keys(FAULT_KINDS) as FaultKind[]).filter(
  (kind) => !REDIS_FAULTS.includes(kind) && !OPT_IN_FAULTS.includes(kind),
);

export interface TimedStep {
  /** Simulated ms to let pass before the step. */
  wait: number;
  /** Moved to the arrival of the next burst of frames (see `scheduleSteps`). */
  aim: boolean;
  step: Step;
}

/** A browser of a run: its pages have SharedWorkers or not; its channels may lag (see `ChannelBus`). */
export interface BrowserPlan {
  sharedWorkers: boolean;
  channelLag?: boolean;
}

export interface Plan {
  /** The world's own randomness: latencies, jitter, ids. */
  seed: number;
  browsers: BrowserPlan[];
  steps: TimedStep[];
  /** The scheduler's choices among tasks ready at once, in order; then the seed's. */
  choices: number[];
  /**
   * The server's `authenticate` names each login (`{ user, login }`), so a login's sessions
   * are its own (server/options.ts, `Identity`). Absent: it names the user alone, and the
   * browser alone keeps a logged-out session from the next login.
   */
  logins?: boolean;
}

const pick = fc.nat({ max: 15 });
const user = fc.nat({ max: USERS.length - 1 });
const interest = fc.nat({ max: INTERESTS.length - 1 });

function stepArbitrary(faults: ReadonlySet<FaultKind>): fc.Arbitrary<Step> {
  const on = (fault: FaultKind) => faults.has(fault);
  const builds = on('second-build') ? 1 : 0;
  const app: Array<fc.WeightedArbitrary<Step>> = [
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('push' as const),
        user,
        topic: fc.nat({ max: TOPICS.length - 1 }),
        count: fc.integer({ min: 1, max: 6 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('send' as const),
        pick,
        count: fc.integer({ min: 1, max: 3 }),
      }),
    },
  ];
  const faultSteps: Array<[FaultKind, number, fc.Arbitrary<Step>]> = [
    ['socket', 2, fc.record({ kind: fc.constant('drop-socket' as const), pick })],
    ['blackhole', 1, fc.record({ kind: fc.constant('blackhole' as const), pick })],
    ['blackhole', 1, fc.record({ kind: fc.constant('half-open' as const), pick })],
    [
      'tabs',
      2,
      fc.record({
        kind: fc.constant('open-tab' as const),
        browser: fc.nat({ max: 1 }),
        build: fc.nat({ max: builds }),
        interest,
      }),
    ],
    [
      'second-build',
      1,
      fc.record({
        kind: fc.constant('open-tab' as const),
        browser: fc.nat({ max: 1 }),
        build: fc.constant(1),
        interest,
      }),
    ],
    ['tabs', 1, fc.record({ kind: fc.constant('close-tab' as const), pick })],
    ['tabs', 1, fc.record({ kind: fc.constant('crash-tab' as const), pick })],
    ['reload', 2, fc.record({ kind: fc.constant('reload-tab' as const), pick })],
    [
      'second-handle',
      1,
      fc.record({ kind: fc.constant('second-handle' as const), pick, interest }),
    ],
    ['topics', 1, fc.record({ kind: fc.constant('topics' as const), pick, interest })],
    ['worker-death', 2, fc.record({ kind: fc.constant('kill-worker' as const), pick })],
    ['early-worker-death', 1, fc.record({ kind: fc.constant('kill-new-worker' as const), pick })],
    [
      'server-restart',
      1,
      fc.record({
        kind: fc.constant('server-restart' as const),
        keepSessions: fc.boolean(),
        downFor: fc.integer({ min: 0, max: 4_000 }),
      }),
    ],
    ['logout', 1, fc.record({ kind: fc.constant('logout' as const), pick })],
    ['logout', 1, fc.record({ kind: fc.constant('login' as const), pick, user })],
    ['token', 1, fc.record({ kind: fc.constant('expire-token' as const), user })],
    [
      'token',
      1,
      fc.record({ kind: fc.constant('renew-login' as const), browser: fc.nat({ max: 1 }) }),
    ],
    ['redis-restart', 1, fc.record({ kind: fc.constant('redis-restart' as const) })],
    [
      'redis-write',
      1,
      fc.record({
        kind: fc.constant('redis-write-failure' as const),
        count: fc.integer({ min: 1, max: 3 }),
      }),
    ],
    [
      'offline',
      1,
      fc.record({
        kind: fc.constant('offline' as const),
        browser: fc.nat({ max: 1 }),
        duration: fc.integer({ min: 0, max: 5_000 }),
      }),
    ],
    [
      'blocked-upgrade',
      2,
      fc.record({
        kind: fc.constant('block-upgrades' as const),
        browser: fc.nat({ max: 1 }),
        // Long enough for 3 refused attempts and the stream, short enough for the probe
        // (every 2–16 s) to switch back within the run.
        duration: fc.integer({ min: 0, max: 8_000 }),
        cut: fc.boolean(),
      }),
    ],
  ];
  const chosen = faultSteps
    .filter(([fault]) => on(fault))
    .map(([, weight, arbitrary]) => ({ weight, arbitrary }));
  return fc.oneof(...app, ...chosen);
}

/** Often at once (races: a step in the middle of a burst), often soon, sometimes after a while. */
const wait = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: 0, max: 3_000 }),
);

/** Plans with the given faults: a few browsers, up to `maxSteps` steps, the scheduler's choices. */
export function planArbitrary(faults: ReadonlySet<FaultKind>, maxSteps = 40): fc.Arbitrary<Plan> {
  const sharedWorkers = on(faults, 'no-shared-worker') ? fc.boolean() : fc.constant(true);
  const browser: fc.Arbitrary<BrowserPlan> = on(faults, 'channel-lag')
    ? fc.record({ sharedWorkers, channelLag: fc.boolean() })
    : fc.record({ sharedWorkers });
  return fc.record({
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    browsers: fc.array(browser, { minLength: 1, maxLength: 2 }),
    steps: fc.array(fc.record({ wait, aim: fc.boolean(), step: stepArbitrary(faults) }), {
      maxLength: maxSteps,
    }),
    choices: fc.array(fc.nat({ max: 7 }), { maxLength: 400 }),
    // Last, so that a seed draws the rest of its plan as before this field was added.
    ...(on(faults, 'logout') ? { logins: fc.boolean() } : {}),
  });
}

function on(faults: ReadonlySet<FaultKind>, fault: FaultKind): boolean {
  return faults.has(fault);
}

/** `--faults socket,worker-death` → the set; unknown names are an error. */
export function parseFaults(list: string | undefined): Set<FaultKind> {
  if (!list) return new Set(ALL_FAULTS);
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(name in FAULT_KINDS)) {
      throw new Error(`unknown fault "${name}"; known: ${Object.keys(FAULT_KINDS).join(', ')}`);
    }
  }
  return new Set(names as FaultKind[]);
}
