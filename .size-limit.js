/**
 * The size budget (`npm run size`, in `npm test`) and the one definition of how a bundle
 * is measured, which bench/bundle-size.ts reuses: what a tab loads, bundled by esbuild
 * (minified, ES modules, es2022, for the browser) and gzipped at level 9. size-limit counts
 * what the bundle adds to an empty esbuild project. The targets are 5.0 KB and 10.0 KB
 * (issue 21); the limits are today's sizes, so that growth fails: CONTRIBUTING.md says
 * when they may move.
 */

/** @param {import('esbuild').BuildOptions} options */
export function asATabLoadsIt(options) {
  return { ...options, format: 'esm', platform: 'browser', target: 'es2022' };
}

/** The chunk worker/serve.ts imports dynamically (named so by vite.config.ts). */
const LAZY_STREAM = 'http-stream-socket.js';

/** @type {import('size-limit').SizeLimitConfig} */
export default [
  {
    name: 'client without comlink',
    path: 'dist/index.js',
    ignore: ['comlink'],
    limit: '9.1 KiB',
  },
  {
    name: 'worker without comlink',
    path: 'dist/shared-worker.js',
    // What the worker imports only when it first takes the HTTP stream, measured below.
    ignore: ['comlink', `./${LAZY_STREAM}`],
    limit: '25 KiB',
  },
  {
    name: 'HTTP stream chunk (loaded when WebSocket is blocked)',
    path: `dist/${LAZY_STREAM}`,
    // Only its own code: what it imports is the worker's, loaded already.
    ignore: ['./serve-*', './option-checks-*'],
    limit: '1.3 KiB',
  },
].map((check) => ({ ...check, gzip: true, modifyEsbuildConfig: asATabLoadsIt }));
