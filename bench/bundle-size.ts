/**
 * Bundle size, minified and gzipped, of each variant's client code: what a tab loads at
 * start. Bundled with esbuild (a dependency of tsx) and gzipped with node:zlib at level 9.
 * Code splitting is on, and only the entry and what it imports statically is counted:
 * tabsocket's in-page fallback is a dynamic import that browsers with SharedWorker never load.
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { packageDir, root } from './build-pages';
import type { VariantName } from './pages/api';
import type { BundleFigures } from './results';

interface Part {
  variant: VariantName;
  part: string;
  entry: string;
  external: string[];
}

const clients = join(root, 'bench', 'pages', 'clients');

const PARTS: Part[] = [
  {
    variant: 'tabsocket',
    part: 'client without comlink',
    entry: join(packageDir, 'dist', 'index.js'),
    external: ['comlink'],
  },
  {
    variant: 'tabsocket',
    part: 'client',
    entry: join(packageDir, 'dist', 'index.js'),
    external: [],
  },
  {
    variant: 'tabsocket',
    part: 'worker without comlink',
    entry: join(packageDir, 'dist', 'shared-worker.js'),
    external: ['comlink'],
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
  const figures: BundleFigures[] = [];
  for (const part of PARTS) figures.push({ ...part, ...(await sizeOf(part)) });
  return figures.map(({ variant, part, minified, gzip }) => ({ variant, part, minified, gzip }));
}

async function sizeOf(part: Part): Promise<{ minified: number; gzip: number }> {
  const outdir = join(root, 'bench', '.build', 'bundle-size');
  const result = await build({
    entryPoints: [part.entry],
    bundle: true,
    minify: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    target: 'es2022',
    external: part.external,
    outdir,
    write: false,
    metafile: true,
    absWorkingDir: root,
    logLevel: 'silent',
  });
  const contents = new Map(
    result.outputFiles.map((file) => [file.path.slice(root.length + 1), file.contents]),
  );
  let minified = 0;
  let gzip = 0;
  for (const output of staticClosure(result.metafile)) {
    const bytes = contents.get(output);
    if (!bytes) throw new Error(`esbuild wrote no ${output}`);
    minified += bytes.byteLength;
    gzip += gzipSync(bytes, { level: 9 }).byteLength;
  }
  return { minified, gzip };
}

/** The entry chunk and every chunk it imports statically, transitively. */
function staticClosure(metafile: Metafile): string[] {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((name) => outputs[name]?.entryPoint !== undefined);
  if (!entry) throw new Error('esbuild produced no entry chunk');
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const imported of outputs[name]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return [...seen];
}
