/**
 * Packs tabsocket once (`npm pack`, unpacked as an install would) and builds each fixture
 * app from it with the bundler and the recipe docs/bundlers.md gives: Vite, webpack 5, Next.js
 * (Turbopack and webpack), esbuild and Rollup, and esbuild with no worker config at all.
 * Each build lands in dist/<name>/ with an index.html; the times go to the console.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodeResolve from '@rollup/plugin-node-resolve';
import { build as esbuild } from 'esbuild';
import { rollup } from 'rollup';
import { build as viteBuild } from 'vite';
import webpack from 'webpack';
import { buildAndUnpack, repoRoot } from '../support/pack';
import { type BuildName, DIST, FIXTURES, PACKED, VITE_CACHE } from './fixtures';

const PAGE = join(FIXTURES, 'shared', 'page.js');
/** The recipe for bundlers that do not follow `new URL(…, import.meta.url)`: the worker scripts as entries of their own, next to the app's. */
const WORKER_ENTRIES = {
  'shared-worker': 'tabsocket/shared-worker',
  'dedicated-worker': 'tabsocket/dedicated-worker',
};

function writePage(name: BuildName, script: string): void {
  writeFileSync(
    join(DIST, name, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title></head><body>${script}</body></html>\n`,
  );
}

const moduleScript = '<script type="module" src="./main.js"></script>';

/** Vite needs no config: it follows `new URL(…, import.meta.url)` (fixtures/index.html is the page). */
async function buildVite(): Promise<void> {
  await viteBuild({
    root: FIXTURES,
    configFile: false,
    cacheDir: VITE_CACHE,
    logLevel: 'warn',
    build: { outDir: join(DIST, 'vite'), emptyOutDir: true },
  });
}

async function buildWebpack(): Promise<void> {
  const compiler = webpack({
    mode: 'production',
    context: FIXTURES,
    entry: PAGE,
    output: { path: join(DIST, 'webpack'), filename: 'main.js' },
  });
  await new Promise<void>((resolve, reject) =>
    compiler.run((error, stats) => {
      compiler.close(() => {});
      if (error) reject(error);
      else if (stats?.hasErrors()) reject(new Error(stats.toString('errors-only')));
      else resolve();
    }),
  );
  writePage('webpack', '<script src="./main.js"></script>');
}

function buildNext(builder: 'turbopack' | 'webpack'): void {
  const app = join(FIXTURES, 'next');
  execFileSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next'),
      'build',
      ...(builder === 'webpack' ? ['--webpack'] : []),
    ],
    { cwd: app, stdio: 'pipe', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } },
  );
  cpSync(join(app, 'out'), join(DIST, `next-${builder}`), { recursive: true });
}

async function buildEsbuild(name: BuildName, workers: boolean): Promise<void> {
  await esbuild({
    entryPoints: { main: PAGE, ...(workers ? WORKER_ENTRIES : {}) },
    bundle: true,
    format: 'esm',
    minify: true,
    outdir: join(DIST, name),
    logLevel: 'error',
  });
  writePage(name, moduleScript);
}

async function buildRollup(): Promise<void> {
  const bundle = await rollup({
    input: { main: PAGE, ...WORKER_ENTRIES },
    // rootDir: where the entries' bare names resolve from, which is the app's directory
    // (the current one, in an app of your own).
    plugins: [nodeResolve({ browser: true, rootDir: FIXTURES })],
  });
  await bundle.write({ dir: join(DIST, 'rollup'), format: 'es', entryFileNames: '[name].js' });
  await bundle.close();
  writePage('rollup', moduleScript);
}

async function timed(name: string, step: () => unknown): Promise<void> {
  const started = performance.now();
  await step();
  console.log(`  builds: ${name} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

export default async function globalSetup(): Promise<void> {
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  await timed('build and pack', () => buildAndUnpack(PACKED));
  await timed('vite', buildVite);
  await timed('webpack', buildWebpack);
  await timed('next build (Turbopack)', () => buildNext('turbopack'));
  await timed('next build --webpack', () => buildNext('webpack'));
  await timed('esbuild', () => buildEsbuild('esbuild', true));
  await timed('esbuild, no worker config', () => buildEsbuild('esbuild-no-worker-config', false));
  await timed('rollup', buildRollup);
}
