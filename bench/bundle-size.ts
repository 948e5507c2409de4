/**
 * Bundle size, minified and gzipped, of each variant's client code: what a tab loads at
 * start. Measured by size-limit as `npm run size` measures the budget, with the build
 * settings of .size-limit.js (the one definition of both): esbuild, minified, ES modules,
 * gzip level 9, counted as what the bundle adds to an empty esbuild project.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sizeLimit, { type Check } from 'size-limit';
import { packageDir, root } from './build-pages';
import type { VariantName } from './pages/api';
import type { BundleFigures } from './results';

interface Part {
  variant: VariantName;
  part: string;
  entry: string;
  external: string[];
}

interface BudgetConfig {
  default: (Check & { name: string; path: string; ignore: string[] })[];
  asATabLoadsIt: NonNullable<Check['modifyEsbuildConfig']>;
}

const clients = join(root, 'bench', 'pages', 'clients');

/** The parts beyond the budgeted ones, which come from .size-limit.js. */
const MORE_PARTS: Part[] = [
  {
    variant: 'tabsocket',
    part: 'client',
    entry: join(packageDir, 'dist', 'index.js'),
    external: [],
  },
  {
    variant: 'tabsocket',
    part: 'worker',
    entry: join(packageDir, 'dist', 'shared-worker.js'),
    external: [],
  },
  // What an app that uses a binding loads: the client with the hooks, the framework aside.
  {
    variant: 'tabsocket',
    part: 'client with React hooks, without comlink',
    entry: join(packageDir, 'dist', 'react.js'),
    external: ['comlink', 'react'],
  },
  {
    variant: 'tabsocket',
    part: 'client with Vue composables, without comlink',
    entry: join(packageDir, 'dist', 'vue.js'),
    external: ['comlink', 'vue'],
  },
  { variant: 'seed', part: 'client', entry: join(clients, 'seed-recipe.ts'), external: [] },
  {
    variant: 'partysocket',
    part: 'client',
    entry: join(clients, 'partysocket-client.ts'),
    external: [],
  },
  { variant: 'rws', part: 'client', entry: join(clients, 'rws-client.ts'), external: [] },
  { variant: 'raw-hop', part: 'worker', entry: join(clients, 'raw-hop-worker.ts'), external: [] },
];

export async function measureBundles(): Promise<BundleFigures[]> {
  // Imported by URL: plain JavaScript without declarations, typed here.
  const budget: BudgetConfig = await import(pathToFileURL(join(root, '.size-limit.js')).href);
  const plugins = await Promise.all(
    ['@size-limit/file', '@size-limit/esbuild'].map(async (name) => (await import(name)).default),
  );
  const parts: Part[] = [
    ...budget.default.map((check) => ({
      variant: 'tabsocket' as const,
      part: check.name,
      entry: join(packageDir, check.path),
      external: check.ignore,
    })),
    ...MORE_PARTS,
  ];
  const measure = async (compression: Pick<Check, 'gzip' | 'brotli'>) => {
    const checks = parts.map((part) => ({
      files: [part.entry],
      ignore: part.external,
      modifyEsbuildConfig: budget.asATabLoadsIt,
      ...compression,
    }));
    const sizes = (await sizeLimit(plugins, { checks })) as { size: number }[];
    return sizes.map(({ size }) => size);
  };
  const gzip = await measure({ gzip: true });
  const minified = await measure({ brotli: false });
  return parts.map(({ variant, part }, i) => ({
    variant,
    part,
    minified: minified[i] ?? NaN,
    gzip: gzip[i] ?? NaN,
  }));
}
