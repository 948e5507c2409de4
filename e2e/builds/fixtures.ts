import { join } from 'node:path';
import { repoRoot } from '../support/pack';

/** This suite's directory: its package.json keeps `tabsocket` from resolving to the repository itself. */
export const SUITE_DIR = join(repoRoot, 'e2e', 'builds');
/** Where global-setup.ts unpacks the `npm pack` tarball, as an install would. */
export const PACKED = join(SUITE_DIR, 'node_modules', 'tabsocket');
/**
 * The fixture apps' sources. They are apps of their own: fixtures/tsconfig.json is where
 * the bundlers that read the nearest tsconfig.json (webpack 5.113's built-in TypeScript
 * support, esbuild, Turbopack) stop, rather than at the repository's, whose `paths` map
 * `tabsocket` to its sources. They must get the packed package, as an app does.
 */
export const FIXTURES = join(SUITE_DIR, 'fixtures');
/** One directory per build, served as it is: index.html and the bundles. */
export const DIST = join(SUITE_DIR, 'dist');

/** Every build the suite makes, by its directory in DIST. */
export type BuildName =
  | 'vite'
  | 'webpack'
  | 'next-turbopack'
  | 'next-webpack'
  | 'esbuild'
  | 'esbuild-no-worker-config'
  | 'rollup';

/** Vite's cache of pre-bundled dependencies, for the build and the dev server: not in the fixtures. */
export const VITE_CACHE = join(SUITE_DIR, 'node_modules', '.vite');
