import { exactlyOnce } from './exactly-once';
import { halfOpen } from './half-open';
import { httpStream } from './http-stream';
import { login } from './login';
import { reload } from './reload';
import { reloadResume } from './reload-resume';
import type { Scenario } from './scenario';
import { serverRestart } from './server-restart';
import { sharing } from './sharing';
import { tabRelease } from './tab-release';

/**
 * Every scenario, in the order they run in each engine. The Web Locks ownership work adds its
 * engine-specific ones here (worker death, two builds, no SharedWorker): a scenario that
 * needs a capability only some engines' drivers have asks for it through `EngineTraits` and
 * an optional method of the driver, as the crash step of `tabRelease` does.
 */
export const SCENARIOS: readonly Scenario[] = [
  sharing,
  login,
  tabRelease,
  reload,
  reloadResume,
  serverRestart,
  halfOpen,
  exactlyOnce,
  httpStream,
];
