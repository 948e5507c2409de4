/**
 * `npm run start:cluster`: the demo on two nodes sharing one Redis, behind a round-robin
 * proxy, and Vite's dev server for the page, until Ctrl-C. Redis: REDIS_URL, or a
 * redis-server started here on a free port (Debian's package: `apt-get install
 * redis-server`). Ports: DEMO_PORT (default 8787) for the proxy, DEMO_VITE_PORT (5173).
 */
import { createClient } from 'redis';
import { type RunningRedis, startRedisServer } from '../dev/redis-server';
import { DEFAULT_DEMO_PORT, DEFAULT_VITE_PORT, portFromEnv } from './env';
import { runDemo, stopOnSignals } from './lifecycle';
import { startRoundRobinProxy } from './round-robin-proxy';
import { type DemoServer, startDemoServer } from './server/demo-server';
import { Sessions } from './server/sessions';
import { startVite } from './vite-dev';

const NODES = 2;

async function main(): Promise<void> {
  const proxyPort = portFromEnv('DEMO_PORT', DEFAULT_DEMO_PORT);
  const vitePort = portFromEnv('DEMO_VITE_PORT', DEFAULT_VITE_PORT);
  const started: RunningRedis | undefined = process.env.REDIS_URL
    ? undefined
    : await startRedisServer();
  const url = process.env.REDIS_URL ?? started?.url ?? '';
  const client = createClient({ url });
  client.on('error', (error) => console.error('[demo] redis:', error));
  await client.connect();

  const nodes: DemoServer[] = [];
  const proxy = await startRoundRobinProxy(proxyPort, () => nodes.map((node) => node.port));
  const sessions = new Sessions();
  for (let index = 0; index < NODES; index++) {
    nodes.push(
      await startDemoServer({
        port: 0,
        sessions,
        redis: { client, prefix: 'tabsocket-demo:' },
        clock: index === 0,
        wsPort: proxy.port,
      }),
    );
  }
  const vite = await startVite({ port: vitePort, apiTarget: `http://127.0.0.1:${proxy.port}` });

  const pageUrl = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${vitePort}/`;
  console.log(
    [
      '',
      `  tabsocket demo on ${NODES} nodes and Redis (${url})`,
      `  ➜ open ${pageUrl} in two or three tabs, log in in one of them`,
      `    round-robin proxy (API + WebSocket): http://127.0.0.1:${proxy.port}`,
      `    nodes: ${nodes.map((node) => `http://127.0.0.1:${node.port}`).join(', ')}`,
      '    each request and socket goes to the next node: Restart or Cut, and the worker resumes on the other',
      '    Ctrl-C stops everything',
      '',
    ].join('\n'),
  );

  stopOnSignals(async () => {
    await Promise.all([vite.close(), proxy.close(), ...nodes.map((node) => node.close())]);
    await client.quit();
    await started?.stop();
  });
}

runDemo(main);
