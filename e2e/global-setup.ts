/**
 * Builds the test app the way a user's app is built: from the `npm pack` tarball of this
 * package, installed under e2e/app/node_modules, bundled by Vite. So the `exports` map, the
 * worker URL and the files list are what the tests exercise, not our sources.
 */
import { join } from 'node:path';
import { build } from 'vite';
import { buildAndUnpack, repoRoot } from './support/pack';

const appDir = join(repoRoot, 'e2e', 'app');

export default async function globalSetup(): Promise<void> {
  buildAndUnpack(join(appDir, 'node_modules', 'tabsocket'));
  await build({
    root: appDir,
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      minify: false,
      rollupOptions: {
        input: {
          main: join(appDir, 'index.html'),
          bindings: join(appDir, 'bindings.html'),
        },
      },
    },
  });
}
