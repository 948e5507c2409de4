import { join } from 'node:path';
import { repoRoot } from '../support/pack';

/**
 * Where global-setup.ts builds the test page for this suite: under node_modules, so that
 * the page's imports (comlink) resolve to the repository's packages.
 */
export const APP_DIR = join(repoRoot, 'node_modules', '.cache', 'tabsocket-engines', 'app');
export const APP_DIST = join(APP_DIR, 'dist');
