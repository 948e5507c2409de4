import { builtinModules } from 'node:module';
import { defineConfig, type Plugin } from 'vite';

/** The worker scripts client/default-worker.ts starts, by file name in worker/ and in dist/. */
const WORKER_SCRIPTS = ['shared-worker', 'dedicated-worker'];
const urlInSource = (script: string) => `new URL('../worker/${script}.js', import.meta.url)`;
const urlInDist = (script: string) => `new URL('./${script}.js', import.meta.url)`;
const placeholder = (script: string) =>
  `__TABSOCKET_${script.replace('-', '_').toUpperCase()}_URL__`;

/**
 * Keeps `new SharedWorker(new URL('./shared-worker.js', import.meta.url))` literal in dist,
 * and the same for the dedicated worker.
 *
 * Left alone, Vite's library build bundles the worker into dist/assets and rewrites the call
 * to an absolute, `@vite-ignore`d URL that only resolves on our own dev server. The app that
 * installs tabsocket must instead see the literal pattern, so that *its* bundler (Vite,
 * webpack 5, Parcel) finds the worker next to our client and bundles it with the app.
 */
function keepWorkerUrlLiteral(): Plugin {
  return {
    name: 'tabsocket:keep-worker-url-literal',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('client/default-worker.ts')) return null;
      let swapped = code;
      for (const script of WORKER_SCRIPTS) {
        if (!swapped.includes(urlInSource(script))) {
          this.error(`expected ${urlInSource(script)} in ${id}`);
        }
        // Same-line swap: line mappings stay right, which is all the sourcemap needs here.
        swapped = swapped.replace(urlInSource(script), placeholder(script));
        // The same path, passed on for the message of a script that did not load.
        const pathInSource = `'../worker/${script}.js'`;
        if (!swapped.includes(pathInSource)) this.error(`expected ${pathInSource} in ${id}`);
        swapped = swapped.replaceAll(pathInSource, `'./${script}.js'`);
      }
      return { code: swapped, map: null };
    },
    renderChunk(code) {
      const found = WORKER_SCRIPTS.filter((script) => code.includes(placeholder(script)));
      if (found.length === 0) return null;
      let restored = code;
      for (const script of found)
        restored = restored.replace(placeholder(script), urlInDist(script));
      return { code: restored, map: null };
    },
  };
}

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default defineConfig(({ command }) => ({
  ...(command === 'build'
    ? {
        plugins: [keepWorkerUrlLiteral()],
        build: {
          target: 'es2022',
          minify: false,
          sourcemap: true,
          lib: {
            entry: {
              index: 'client/index.ts',
              worker: 'worker/index.ts',
              'shared-worker': 'worker/shared-worker.ts',
              'dedicated-worker': 'worker/dedicated-worker.ts',
              server: 'server/index.ts',
              'server-redis': 'server/redis/index.ts',
              react: 'client/react/index.ts',
              vue: 'client/vue/index.ts',
            },
            formats: ['es' as const],
          },
          rollupOptions: {
            external: ['comlink', 'ws', 'redis', 'react', 'vue', ...nodeBuiltins],
            output: {
              // A chunk loaded lazily (the HTTP stream: worker/serve.ts) keeps its module's
              // name, so that .size-limit.js measures it and leaves it out of the worker's.
              chunkFileNames: (chunk) => (chunk.isDynamicEntry ? '[name].js' : '[name]-[hash].js'),
            },
          },
        },
      }
    : { root: 'demo', server: { host: '127.0.0.1' } }),
  test: {
    root: '.',
    include: ['{protocol,client,worker,server,sim}/**/*.test.ts'],
    environment: 'node',
    restoreMocks: true,
    unstubGlobals: true,
  },
}));
