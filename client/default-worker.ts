/**
 * Starts (or, in every later tab, joins) the package's own SharedWorker. The `new URL(…,
 * import.meta.url)` form is the one bundlers recognise, so the app's bundler ships the worker
 * script with the app; vite.config.ts keeps it literal in our build for that reason.
 */
export function startDefaultWorker(): SharedWorker {
  return new SharedWorker(new URL('../worker/shared-worker.js', import.meta.url), {
    type: 'module',
    name: 'tabsocket',
    // Chrome 148+: the worker outlives its last document for a while, so a reload of the
    // only tab finds the socket still there. Other browsers ignore the key.
    extendedLifetime: true,
  } as WorkerOptions);
}

/**
 * Where SharedWorker is missing (older Chrome for Android, WebViews): a hub of this page's
 * own in a dedicated worker, reached through a port of ours. The hubs of such pages share
 * one socket all the same: the one holding the owner lock opens it, the others relay
 * (worker/shared-connection.ts), and when its page closes the next one takes it over.
 */
export function startDedicatedWorker(): { worker: Worker; port: MessagePort } {
  const worker = new Worker(new URL('../worker/dedicated-worker.js', import.meta.url), {
    type: 'module',
    name: 'tabsocket',
  });
  const { port1, port2 } = new MessageChannel();
  worker.postMessage(null, [port2]);
  return { worker, port: port1 };
}
