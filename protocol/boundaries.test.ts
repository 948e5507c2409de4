import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The arrows of the design: client/, worker/ and server/ share only what protocol/ holds,
 * and protocol/ depends on none of them. Tests (`*.test.ts`) may wire two parts together
 * to test them as one; every other file keeps to its own part.
 */

const root = join(import.meta.dirname, '..');
const PARTS = ['protocol', 'client', 'worker', 'server'] as const;
type Part = (typeof PARTS)[number];

/** What each part may import, besides itself and packages. */
const ALLOWED: Record<Part, readonly Part[]> = {
  protocol: [],
  client: ['protocol'],
  worker: ['protocol'],
  server: ['protocol'],
};

const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function partOf(path: string): string {
  return relative(root, path).split(sep)[0] ?? '';
}

function crossings(part: Part): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(join(root, part))) {
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = partOf(join(dirname(file), specifier ?? ''));
      if (target !== part && !ALLOWED[part].includes(target as Part)) {
        found.push(`${relative(root, file)} imports ${specifier}`);
      }
    }
  }
  return found;
}

describe('import boundaries', () => {
  it.each(PARTS)('%s/ imports only what its part may', (part) => {
    expect(crossings(part)).toEqual([]);
  });
});
