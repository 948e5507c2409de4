import { test as base } from '@playwright/test';
import type { ConnectOptions } from 'tabsocket';
import { CountingServer, type CountingServerOptions } from '../support/counting-server';
import { type Nginx, type NginxOptions, startNginx } from '../support/nginx';
import { type ReferenceServer, startReferenceServer } from '../support/reference-server';
import { ServerProcess } from '../support/server-process';
import { startStaticServer } from '../support/static-server';
import { TcpProxy } from '../support/tcp-proxy';
import { APP_DIST } from './app';
import type { BrowserSession, EngineDriver, EngineName, Tab } from './drivers/driver';
import { ENGINES, type EngineTraits } from './engines';
import { connectTab } from './tabs';

export { expect } from '@playwright/test';

/** What a scenario gets: one engine, a fresh profile in it, and servers started on demand. */
export interface ScenarioContext {
  readonly engine: EngineName;
  readonly traits: EngineTraits;
  /** A tab of the test app, connected with `options` (the harness's `connect()`). */
  openTab(options: ConnectOptions): Promise<Tab>;
  /** A plain ws server that knows nothing of tabsocket and counts what it sees. */
  countingServer(options?: CountingServerOptions): Promise<CountingServer>;
  referenceServer(): Promise<ReferenceServer>;
  /** A counting server in a child process, to be killed with SIGKILL. */
  serverProcess(port?: number): Promise<ServerProcess>;
  /** A TCP proxy to 127.0.0.1:`targetPort` that can turn into a black hole. */
  tcpProxy(targetPort: number): Promise<TcpProxy>;
  /** nginx in front of servers on 127.0.0.1 (see e2e/support/nginx.ts). */
  nginx(options: NginxOptions): Promise<Nginx>;
  /** Prints a measured figure, tagged with the engine, and notes it on the test. */
  figure(text: string): void;
}

interface TestFixtures {
  /** Which engine the test drives; set per engine `describe` with `test.use`. */
  engineName: EngineName;
  /** The engine, started on first use. */
  driver: EngineDriver;
  ctx: ScenarioContext;
}

/**
 * The running engine of this worker: one at a time, kept from test to test and replaced when
 * a test asks for another. Tests run engine by engine, so each engine starts once (again
 * after a failed test, which costs the worker).
 */
class RunningEngine {
  #current: { name: EngineName; driver: Promise<EngineDriver> } | undefined;

  async get(name: EngineName): Promise<EngineDriver> {
    if (this.#current?.name !== name) {
      await this.close();
      const driver = engineOf(name).launch();
      this.#current = { name, driver };
      driver.then(
        (started) => console.log(`[engine] ${name}: ${started.version}`),
        () => {
          // Not started (not installed, say): the next test tries again, and fails as clearly.
          if (this.#current?.driver === driver) this.#current = undefined;
        },
      );
    }
    return this.#current.driver;
  }

  async close(): Promise<void> {
    const current = this.#current;
    this.#current = undefined;
    if (current) await (await current.driver.catch(() => undefined))?.close();
  }
}

export const test = base.extend<TestFixtures, { engines: RunningEngine }>({
  engines: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature
    async ({}, use) => {
      const engines = new RunningEngine();
      try {
        await use(engines);
      } finally {
        await engines.close();
      }
    },
    { scope: 'worker' },
  ],
  engineName: ['chromium', { option: true }],
  driver: async ({ engines, engineName }, use) => {
    await use(await engines.get(engineName));
  },
  ctx: async ({ driver, engineName }, use, testInfo) => {
    // Servers the scenario started, stopped in reverse order once the tabs are gone.
    const stops: Array<() => Promise<void>> = [];
    const started = async <T>(value: Promise<T>, stop: (value: T) => Promise<void>) => {
      const resolved = await value;
      stops.push(() => stop(resolved));
      return resolved;
    };
    // A new static server per test: a new origin, so no SharedWorker or lock carries over.
    const app = await startStaticServer(APP_DIST);
    let session: BrowserSession | undefined;
    const failures: unknown[] = [];
    try {
      const tabs = await driver.newSession();
      session = tabs;
      await use({
        engine: engineName,
        traits: engineOf(engineName).traits,
        async openTab(options) {
          const tab = await tabs.openTab(app.url);
          await connectTab(tab, options);
          return tab;
        },
        countingServer: (options) =>
          started(CountingServer.start(options), (server) => server.close()),
        referenceServer: () => started(startReferenceServer(), ({ server }) => server.close()),
        serverProcess: (port) =>
          started(ServerProcess.start(port), (server) => server.kill('SIGKILL')),
        tcpProxy: (targetPort) => started(TcpProxy.start(targetPort), (proxy) => proxy.close()),
        nginx: (options) => started(startNginx(options), (nginx) => nginx.close()),
        figure(text) {
          console.log(`[figure] ${engineName}: ${text}`);
          testInfo.annotations.push({ type: 'figure', description: text });
        },
      });
    } catch (error) {
      failures.push(error);
    }
    const stop = (step: () => Promise<void>) =>
      step().catch((error: unknown) => {
        failures.push(error);
      });
    // The tabs first, so that no worker reconnects to a server going away.
    if (session) await stop(session.close);
    for (const step of stops.reverse()) await stop(step);
    await stop(app.close);
    if (failures.length > 0) throw failures[0];
  },
});

function engineOf(name: EngineName) {
  const engine = ENGINES.find((candidate) => candidate.name === name);
  if (!engine) throw new Error(`unknown engine ${name}`);
  return engine;
}

export type { ReferenceServer };
