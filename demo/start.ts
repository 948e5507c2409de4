/**
 * `npm start`: the demo server and Vite's dev server, both on 127.0.0.1, until Ctrl-C.
 * Ports: DEMO_PORT (default 8787) for the demo server, DEMO_VITE_PORT (default 5173) for the page.
 */

import { DEFAULT_DEMO_PORT, DEFAULT_VITE_PORT, portFromEnv } from './env';
import { runDemo, stopOnSignals } from './lifecycle';
import { type DemoServer, startDemoServer } from './server/demo-server';
import { startVite } from './vite-dev';

async function main(): Promise<void> {
  const demoPort = portFromEnv('DEMO_PORT', DEFAULT_DEMO_PORT);
  const vitePort = portFromEnv('DEMO_VITE_PORT', DEFAULT_VITE_PORT);

  let demo: DemoServer;
  try {
    demo = await startDemoServer({ port: demoPort });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${demoPort} is in use: set DEMO_PORT to another one`, { cause: error });
    }
    throw error;
  }

  const vite = await startVite({
    port: vitePort,
    apiTarget: `http://127.0.0.1:${demo.port}`,
  }).catch(async (error: unknown) => {
    await demo.close();
    throw error;
  });

  const pageUrl = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${vitePort}/`;
  console.log(
    [
      '',
      '  tabsocket demo',
      `  ➜ open ${pageUrl} in two or three tabs, log in in one of them`,
      `    demo server (API + WebSocket): http://127.0.0.1:${demo.port}`,
      '    Ctrl-C stops both',
      '',
    ].join('\n'),
  );

  stopOnSignals(() => Promise.all([vite.close(), demo.close()]));
}

runDemo(main);
