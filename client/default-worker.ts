import type { WorkerLink } from './worker-load';

/**
 * Starts (or, in every later tab, joins) the package's own SharedWorker. The `new URL(…,
 * import.meta.url)` form is the one bundlers recognise, so the app's bundler ships the worker
 * script with the app; vite.config.ts keeps it literal in our build for that reason. Bundlers
 * that do not follow it (esbuild, Rollup) take `tabsocket/shared-worker` as an entry point
 * of their own instead (docs/bundlers.md).
 */
export function startDefaultWorker(): WorkerLink {
  const worker = new SharedWorker(new URL('../worker/shared-worker.js', import.meta.url), {
    type: 'module',
    // A SharedWorker's name is part of its identity, so this one stays what earlier
    // versions used. webpack takes it as the chunk name too: the dedicated worker's must
    // differ, or both scripts land in one chunk and a production build breaks the worker.
    name: 'tabsocket',
    // Chrome 148+: the worker outlives its last document for a while, so a reload of the
    // only tab finds the socket still there. Other browsers ignore the key.
    extendedLifetime: true,
  } as WorkerOptions);
  return { worker, port: worker.port, script: scriptUrl('../worker/shared-worker.js') };
}

/**
 * Where SharedWorker is missing (older Chrome for Android, WebViews): a hub of this page's
 * own in a dedicated worker, reached through a port of ours. The hubs of such pages share
 * one socket all the same: the one holding the owner lock opens it, the others relay
 * (worker/share/shared-connection.ts), and when its page closes the next one takes it over.
 */
export function startDedicatedWorker(): WorkerLink {
  const worker = new Worker(new URL('../worker/dedicated-worker.js', import.meta.url), {
    type: 'module',
    name: 'tabsocket-dedicated',
  });
  const { port1, port2 } = new MessageChannel();
  worker.postMessage(null, [port2]);
  return { worker, port: port1, script: scriptUrl('../worker/dedicated-worker.js') };
}

/**
 * The url the browser fetched `path` from when no bundler rewrote the `new URL` above (the
 * case where it fails to load), for the message that says so: `path` resolved against this
 * module's url. That url is read from a stack trace, not from `import.meta.url`: webpack
 * writes the build machine's path of the module into the bundle for every `import.meta` it
 * finds outside a worker's `new URL`. Every engine puts the script's url and line in its
 * frames; without one, the message names the path alone. vite.config.ts makes `path` the
 * one in dist, as it does for the workers'.
 */
function scriptUrl(path: string): string {
  const here = new Error().stack?.match(MODULE_URL)?.[0];
  return here ? new URL(path, here).href : path;
}

/** The first script url of a stack frame, up to its `:line:column`. */
const MODULE_URL = /\b(?:https?|file):\/\/[^\s()@]+?(?=:\d+:\d+)/;
