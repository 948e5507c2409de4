/**
 * Builds the test app the way a user's app is built: from the `npm pack` tarball of this
 * package, installed under e2e/app/node_modules, bundled by Vite. So the `exports` map, the
 * worker URL and the files list are what the tests exercise, not our sources.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');
const appDir = join(root, 'e2e', 'app');

export default async function globalSetup(): Promise<void> {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const packDir = mkdtempSync(join(tmpdir(), 'tabsocket-pack-'));
  try {
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], {
      cwd: root,
      encoding: 'utf8',
    });
    const tarball = join(packDir, packed.trim().split('\n').at(-1) ?? '');
    const installed = join(appDir, 'node_modules', 'tabsocket');
    rmSync(installed, { recursive: true, force: true });
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
  await build({
    root: appDir,
    configFile: false,
    logLevel: 'warn',
    build: { outDir: 'dist', emptyOutDir: true, minify: false },
  });
}
