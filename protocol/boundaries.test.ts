import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The arrows of the design: client/, worker/ and server/ share only what protocol/ holds,
 * and protocol/ depends on none of them. Tests (`*.test.ts`) and their support
 * (`test-support/`) may wire two parts together to test them as one; every other file keeps
 * to its own part. Within a part the arrows point one way: no file reaches itself through
 * its imports (a cycle), and the stores and what implements them know nothing of the server
 * that uses them.
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

/**
 * Folders held to a narrower rule than their part: the folders and files of the repository
 * their files may import (a folder's subfolders are not in it). The store implementations
 * see of the server only its store interfaces, through server/stores/index.ts: nothing of
 * how the server works can leak into them.
 */
const FOLDERS: Record<string, readonly string[]> = {
  'server/stores': ['server/stores', 'protocol'],
  'server/memory': ['server/memory', 'server/stores/index.ts', 'protocol'],
  'server/redis': ['server/redis', 'server/stores/index.ts', 'protocol'],
  'server/sessions': ['server/sessions', 'server/stores', 'protocol'],
  // The worker's wings, each on the ones below it: the socket knows nothing of sharing,
  // the sharing nothing of tabs; the browser reaches all three through worker/platform.ts.
  'worker/socket': ['worker/socket', 'worker/platform.ts', 'protocol'],
  'worker/share': ['worker/share', 'worker/socket', 'worker/platform.ts', 'protocol'],
  'worker/hub': ['worker/hub', 'worker/share', 'worker/socket', 'worker/platform.ts', 'protocol'],
};

const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string, withTests = false): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'test-support' && !withTests ? [] : sourceFiles(path, withTests);
    }
    if (!entry.name.endsWith('.ts')) return [];
    return withTests || !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function repoPath(file: string): string {
  return relative(root, file).split(sep).join('/');
}

/** The repository paths `file` imports by relative specifier, resolved to their files. */
function importsOf(file: string): string[] {
  const found: string[] = [];
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const target = join(dirname(file), specifier ?? '');
    const resolved = [target, `${target}.ts`, join(target, 'index.ts')].find(
      (path) => path.endsWith('.ts') && existsSync(path),
    );
    found.push(repoPath(resolved ?? target));
  }
  return found;
}

function partOf(path: string): string {
  return path.split('/')[0] ?? '';
}

function crossings(part: Part): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(join(root, part))) {
    for (const target of importsOf(file)) {
      const targetPart = partOf(target);
      if (targetPart !== part && !ALLOWED[part].includes(targetPart as Part)) {
        found.push(`${repoPath(file)} imports ${target}`);
      }
    }
  }
  return found;
}

function folderCrossings(folder: string, allowed: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(join(root, folder))) {
    for (const target of importsOf(file)) {
      if (![target, dirname(target), partOf(target)].some((path) => allowed.includes(path))) {
        found.push(`${repoPath(file)} imports ${target}`);
      }
    }
  }
  return found;
}

/**
 * The cycles of a graph, one per strongly connected component of more than one node (or a
 * node that imports itself), each as a path that starts at its smallest node and returns to
 * it: Tarjan's algorithm, then a shortest way round from that node.
 */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) components.push(component);
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((component) => wayRound(graph, new Set(component)));
}

/** A shortest path from the smallest node of `component` back to it, inside the component. */
function wayRound(graph: ReadonlyMap<string, readonly string[]>, component: Set<string>): string[] {
  const start = [...component].sort()[0] ?? '';
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (const node of queue) {
    for (const next of graph.get(node) ?? []) {
      if (next === start) {
        const path = [node];
        for (let at = node; at !== start; ) {
          at = cameFrom.get(at) ?? start;
          path.unshift(at);
        }
        return [...path, start];
      }
      if (component.has(next) && !cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/** The import graph of `part`'s files, tests and their support included. */
function importGraph(part: Part): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(join(root, part), true))
    graph.set(repoPath(file), importsOf(file));
  return graph;
}

/** Folders whose files are not tests: the demo, the benchmarks and the development tools. */
const APPS = ['demo', 'bench', 'dev'] as const;

/** Imports of the server's test support by files that are not tests. */
function testSupportImports(): string[] {
  const found: string[] = [];
  for (const folder of [...PARTS, ...APPS]) {
    for (const file of sourceFiles(join(root, folder))) {
      for (const target of importsOf(file)) {
        if (target.startsWith('server/test-support/')) {
          found.push(`${repoPath(file)} imports ${target}`);
        }
      }
    }
  }
  return found;
}

describe('import boundaries', () => {
  it.each(PARTS)('%s/ imports only what its part may', (part) => {
    expect(crossings(part)).toEqual([]);
  });

  it.each(Object.entries(FOLDERS))('%s/ imports only %j', (folder, allowed) => {
    expect(folderCrossings(folder, allowed)).toEqual([]);
  });

  it('leaves the server test support to tests (a development tool lives in dev/)', () => {
    expect(testSupportImports()).toEqual([]);
  });

  it.each(PARTS)('%s/ has no import cycle', (part) => {
    expect(cyclesOf(importGraph(part)).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });
});

describe('cyclesOf', () => {
  it('finds a cycle through several files, from its smallest, and none in a tree', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c', 'd']],
      ['c', ['a']],
      ['d', []],
      ['e', ['d']],
    ]);
    expect(cyclesOf(graph)).toEqual([['a', 'b', 'c', 'a']]);
    expect(cyclesOf(new Map([...graph, ['c', []]]))).toEqual([]);
  });

  it('finds a file that imports itself, and each of two separate cycles', () => {
    const graph = new Map([
      ['x', ['x']],
      ['m', ['n']],
      ['n', ['m']],
    ]);
    expect(cyclesOf(graph)).toEqual([
      ['m', 'n', 'm'],
      ['x', 'x'],
    ]);
  });
});
