/**
 * The packed package's types, as TypeScript resolves them under each `moduleResolution`
 * an app or library may use, with and without `skipLibCheck`: types/consumer.ts
 * type-checks, and its `@ts-expect-error` lines prove the types are real, not `any`.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { repoRoot } from '../support/pack';
import { SUITE_DIR } from './fixtures';

const MODES = [
  { module: 'node16', moduleResolution: 'node16' },
  { module: 'nodenext', moduleResolution: 'nodenext' },
  { module: 'esnext', moduleResolution: 'bundler' },
];

for (const { module, moduleResolution } of MODES) {
  for (const skipLibCheck of [true, false]) {
    test(`tsc, moduleResolution ${moduleResolution}, skipLibCheck ${skipLibCheck}: every entry has its types`, () => {
      const args = ['-p', join(SUITE_DIR, 'types'), '--module', module];
      args.push('--moduleResolution', moduleResolution, '--skipLibCheck', String(skipLibCheck));
      let output = '';
      try {
        execFileSync(join(repoRoot, 'node_modules', '.bin', 'tsc'), args, { encoding: 'utf8' });
      } catch (error) {
        output = String((error as { stdout?: string }).stdout ?? error);
      }
      expect(output).toBe('');
    });
  }
}
