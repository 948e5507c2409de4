import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

/**
 * Builds the package and unpacks its `npm pack` tarball into `dir`, as an install puts it in
 * node_modules: only what `files` ships, resolved through the `exports` map.
 */
export function buildAndUnpack(dir: string): void {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  const packDir = mkdtempSync(join(tmpdir(), 'tabsocket-pack-'));
  try {
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const tarball = join(packDir, packed.trim().split('\n').at(-1) ?? '');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}
