/**
 * A redis-server of its own for development: the tests, the benchmarks and the demo's
 * cluster start one on a free loopback port (Debian's package, `apt-get install -y
 * redis-server`). Not part of the package.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { createClient } from 'redis';

const START_LIMIT_MS = 5_000;

export type RedisClient = ReturnType<typeof createClient>;

export interface RunningRedis {
  port: number;
  url: string;
  stop(): Promise<void>;
  /** Stops it and starts a new one, without data, on the same port. */
  restart(): Promise<void>;
}

/**
 * A redis-server of the caller's own on a free loopback port, without persistence. Fails with
 * the command that installs it when it is missing. Redis takes no `--port 0`: a port is
 * found free first, and taken again if another process won the race for it.
 */
export async function startRedisServer(): Promise<RunningRedis> {
  // Where Debian's package puts it; REDIS_SERVER_PATH overrides.
  const redisServer = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
  if (!existsSync(redisServer)) {
    throw new Error(
      `${redisServer} not found: tabsocket's tests, benchmarks and cluster demo start their own Redis. Install it with \`apt-get install -y redis-server\` (or set REDIS_SERVER_PATH).`,
    );
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      let stop = await run(redisServer, port);
      return {
        port,
        url: `redis://127.0.0.1:${port}`,
        stop: () => stop(),
        restart: async () => {
          await stop();
          stop = await run(redisServer, port);
        },
      };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** Starts redis-server on `port` and waits for its PING; answers how to stop it. */
async function run(redisServer: string, port: number): Promise<() => Promise<void>> {
  const child = spawn(
    redisServer,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  // Should the test process end without stopping it, it goes too.
  const orphaned = () => child.kill('SIGKILL');
  process.once('exit', orphaned);
  try {
    await answersPing(port, child);
  } catch (error) {
    process.off('exit', orphaned);
    child.kill('SIGKILL');
    throw error;
  }
  return async () => {
    process.off('exit', orphaned);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves once the server on `port` answers PING; rejects if `child` exits first. */
async function answersPing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_LIMIT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server did not answer PING on port ${port} within ${START_LIMIT_MS} ms`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      answer += data.toString();
      if (answer.includes('\r\n')) socket.end();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(answer.startsWith('+PONG')));
  });
}
