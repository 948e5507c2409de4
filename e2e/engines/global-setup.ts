/**
 * Builds the test page of e2e/app as the Chromium suite does (from the `npm pack` tarball,
 * bundled by Vite), but into a directory of this suite's own, so that the two suites never
 * rebuild each other's files while one of them runs.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { buildAndUnpack, repoRoot } from '../support/pack';
import { APP_DIR } from './app';

// The index page and what it imports (the second build's worker, for the two-builds tests;
// the worker that never answers, for the silent-worker test).
const APP_SOURCES = [
  'index.html',
  'main.ts',
  'harness.ts',
  'build-b-worker.ts',
  'silent-worker.ts',
  'package.json',
];

export default async function globalSetup(): Promise<void> {
  rmSync(APP_DIR, { recursive: true, force: true });
  mkdirSync(APP_DIR, { recursive: true });
  for (const file of APP_SOURCES) {
    copyFileSync(join(repoRoot, 'e2e', 'app', file), join(APP_DIR, file));
  }
  buildAndUnpack(join(APP_DIR, 'node_modules', 'tabsocket'));
  await build({
    root: APP_DIR,
    configFile: false,
    logLevel: 'warn',
    build: { outDir: 'dist', emptyOutDir: true, minify: false },
  });
}
