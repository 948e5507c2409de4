import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const NGINX = process.env.NGINX_PATH ?? 'nginx';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5000;

export interface NginxOptions {
  /**
   * The WebSocket server nginx proxies to, on 127.0.0.1; several take turns (round robin,
   * no stickiness), and a connection refused by one goes to the next.
   */
  upstreamPort: number | number[];
  /** nginx's `proxy_read_timeout`, e.g. '3s': how long a proxied socket may stay idle. */
  readTimeout: string;
  /**
   * Whether upgrades may be refused (403), as a proxy that blocks WebSocket does, while
   * `refuseUpgrades(true)` says so. A file the config tests on every request is the switch:
   * this nginx runs without a master process, which is what reloads a config.
   */
  upgradeSwitch?: boolean;
}

export interface Nginx {
  /** ws:// url of nginx's listener. */
  url: string;
  /** Stops nginx (SIGTERM, then SIGKILL if it lingers) and removes its directory. */
  close(): Promise<void>;
  /** With `upgradeSwitch`: refuse every upgrade from now on (403), or let them through again. */
  refuseUpgrades(refuse: boolean): void;
}

/** A port that was free a moment ago: listen on port 0, note the port, close. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function config(dir: string, port: number, options: NginxOptions): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream tabsocket {
${[options.upstreamPort]
  .flat()
  .map((upstream) => `    server 127.0.0.1:${upstream};`)
  .join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
${options.upgradeSwitch ? refusingUpgrades(dir) : ''}      proxy_pass http://tabsocket;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_set_header Host $host;
      proxy_read_timeout ${options.readTimeout};
    }
  }
}
`;
}

/** A 403 for a request with an `Upgrade` header while the switch file exists. */
function refusingUpgrades(dir: string): string {
  return `      set $refused "";
      if ($http_upgrade) { set $refused "U"; }
      if (-f ${switchFile(dir)}) { set $refused "\${refused}F"; }
      if ($refused = "UF") { return 403; }
`;
}

function switchFile(dir: string): string {
  return join(dir, 'refuse-upgrades');
}

async function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  const exit = new Promise<true>((resolve) => child.once('exit', () => resolve(true)));
  const timeout = delay(ms, false);
  return Promise.race([exit, timeout]);
}

/**
 * Starts nginx in front of a WebSocket server, from a config written into a temporary
 * directory (so no file of the system's nginx is used), on a free loopback port; resolves
 * once that port accepts connections.
 */
export async function startNginx(options: NginxOptions): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'tabsocket-nginx-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, config(dir, port, options));
  // -e: the error log before the config is read; the default path may not be writable.
  const child = spawn(NGINX, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
  // Should the test process end without running teardown, nginx must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const close = async () => {
    process.off('exit', killOnExit);
    if (!(child.exitCode !== null || child.signalCode !== null)) {
      child.kill('SIGTERM');
      if (!(await exited(child, STOP_TIMEOUT_MS))) {
        child.kill('SIGKILL');
        await exited(child, STOP_TIMEOUT_MS);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const failure = await Promise.race([spawnFailed, delay(0, undefined)]);
    if (failure) {
      await close();
      throw new Error(`could not start ${NGINX}: ${failure.message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      const log = readLog(dir);
      await close();
      throw new Error(`nginx did not start on 127.0.0.1:${port}: ${stderr}\n${log}`);
    }
    if (await accepts(port)) break;
    await delay(50);
  }
  const refuseUpgrades = (refuse: boolean) => {
    if (refuse) writeFileSync(switchFile(dir), '');
    else rmSync(switchFile(dir), { force: true });
  };
  return { url: `ws://127.0.0.1:${port}/`, close, refuseUpgrades };
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'error.log'), 'utf8');
  } catch {
    return '';
  }
}
