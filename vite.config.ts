import { builtinModules } from 'node:module';
import { defineConfig, type Plugin } from 'vite';

/** Where the client asks for the default worker, as written in client/default-worker.ts. */
const WORKER_URL_IN_SOURCE = "new URL('../worker/shared-worker.js', import.meta.url)";
/** Where the default worker sits next to the built client in dist/. */
const WORKER_URL_IN_DIST = "new URL('./shared-worker.js', import.meta.url)";
const WORKER_URL_PLACEHOLDER = '__TABSOCKET_SHARED_WORKER_URL__';

/**
 * Keeps `new SharedWorker(new URL('./shared-worker.js', import.meta.url))` literal in dist.
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
      if (!code.includes(WORKER_URL_IN_SOURCE)) {
        this.error(`expected ${WORKER_URL_IN_SOURCE} in ${id}`);
      }
      // Same-line swap: line mappings stay right, which is all the sourcemap needs here.
      return { code: code.replace(WORKER_URL_IN_SOURCE, WORKER_URL_PLACEHOLDER), map: null };
    },
    renderChunk(code) {
      return code.includes(WORKER_URL_PLACEHOLDER)
        ? { code: code.replace(WORKER_URL_PLACEHOLDER, WORKER_URL_IN_DIST), map: null }
        : null;
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
              server: 'server/index.ts',
            },
            formats: ['es' as const],
          },
          rollupOptions: { external: ['comlink', 'ws', ...nodeBuiltins] },
        },
      }
    : { root: 'demo', server: { host: '127.0.0.1' } }),
  test: {
    root: '.',
    include: ['{protocol,client,worker,server}/**/*.test.ts'],
    environment: 'node',
    restoreMocks: true,
    unstubGlobals: true,
  },
}));
