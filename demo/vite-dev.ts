import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Vite's dev server for the page, from the repo's vite.config.ts (whose serve branch sets
 * root `demo` and host 127.0.0.1). `/api` is proxied to the demo server so the page has one
 * origin; the WebSocket goes to the demo server directly, so its socket count is first-hand.
 */
export async function startVite(options: {
  port: number;
  apiTarget: string;
}): Promise<ViteDevServer> {
  const vite = await createServer({
    configFile: `${repoRoot}vite.config.ts`,
    // The config's root is relative to the working directory; this holds from anywhere.
    root: `${repoRoot}demo`,
    // The page imports 'tabsocket' as an app would; here that is the source, not dist/.
    resolve: { alias: [{ find: /^tabsocket$/, replacement: `${repoRoot}client/index.ts` }] },
    server: {
      host: '127.0.0.1',
      port: options.port,
      proxy: { '/api': { target: options.apiTarget } },
    },
    clearScreen: false,
  });
  await vite.listen();
  return vite;
}
