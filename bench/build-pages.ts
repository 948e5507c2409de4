/**
 * Builds the bench pages the way a user's app is built, as e2e/global-setup.ts does for the
 * tests: tabsocket comes from the `npm pack` tarball (so the `exports` map and the worker
 * URL are what ships), the other variants from node_modules, all bundled by Vite. Everything
 * lands in bench/.build/, apart from the e2e app, so a bench run and a test run can coexist.
 */
import { join } from 'node:path';
import { build } from 'vite';
import { buildAndUnpack, repoRoot } from '../e2e/support/pack';
import { VARIANTS } from './config';

export const root = repoRoot;
export const buildDir = join(root, 'bench', '.build');
/** The packed package, unpacked: `dist/`, `package.json`, as an app's node_modules holds it. */
export const packageDir = join(buildDir, 'tabsocket');
export const pagesDir = join(buildDir, 'pages');

export async function buildPages(): Promise<void> {
  buildAndUnpack(packageDir);
  await build({
    root: join(root, 'bench', 'pages'),
    configFile: false,
    logLevel: 'warn',
    // The package directory resolves through its package.json `exports`, like an install.
    resolve: { alias: [{ find: /^tabsocket$/, replacement: packageDir }] },
    build: {
      outDir: pagesDir,
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: {
        input: Object.fromEntries(
          VARIANTS.map((name) => [name, join(root, 'bench', 'pages', `${name}.html`)]),
        ),
      },
    },
  });
}
