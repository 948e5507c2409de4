/**
 * The three engines, where each one's binaries are, how to get them, and what each one does
 * differently, so that a scenario asserts the difference by name instead of skipping.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium';
import type { EngineDriver, EngineName } from './drivers/driver';
import { launchPuppeteer } from './drivers/puppeteer';
import { launchWebKit } from './drivers/webkit';

/** Where engines behave differently, as the scenarios assert it. */
export interface EngineTraits {
  /**
   * The SharedWorker outlives a reload of its only page. Chromium keeps it (the worker is
   * started with `extendedLifetime: true`); Firefox and WebKit end it with its last page, so
   * the reloaded page starts a new worker, and the worker a new socket.
   */
  workerOutlivesReload: boolean;
  /** Why a tab's renderer cannot be crashed under automation, where it cannot. */
  noCrash?: string;
  /**
   * How the browser itself holds back a WebSocket to a host whose connections just failed,
   * on top of tabsocket's backoff, where it does.
   */
  reconnectDelay?: string;
}

export interface Engine {
  name: EngineName;
  traits: EngineTraits;
  /** Starts the engine; throws, saying how to get it, when it is not installed. */
  launch(): Promise<EngineDriver>;
}

/** `path` if it exists, else an error that names the Debian package that installs it. */
function required(what: string, path: string, aptPackage: string, variable: string): string {
  if (existsSync(path)) return path;
  throw new Error(
    `No ${what} at ${path}. Install Debian's package (apt-get install -y ${aptPackage}), ` +
      `or point ${variable} at one.`,
  );
}

/** WebKitGTK's MiniBrowser lives under the multiarch library directory. */
function miniBrowserPath(): string {
  const fromEnv = process.env.WEBKIT_MINIBROWSER_PATH;
  if (fromEnv) return fromEnv;
  const candidates = readdirSync('/usr/lib', { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join('/usr/lib', entry.name, 'webkit2gtk-4.1', 'MiniBrowser'));
  return (
    candidates.find((path) => existsSync(path)) ?? '/usr/lib/<arch>/webkit2gtk-4.1/MiniBrowser'
  );
}

export const ENGINES: readonly Engine[] = [
  {
    name: 'chromium',
    traits: { workerOutlivesReload: true },
    launch: () =>
      launchPuppeteer({ engine: 'chromium', executablePath: findChromium(), args: CHROMIUM_ARGS }),
  },
  {
    name: 'firefox',
    traits: {
      workerOutlivesReload: false,
      noCrash: 'Firefox refuses to navigate to about:crashcontent over BiDi',
      // netwerk/protocol/websocket/WebSocketChannel.cpp, FailDelayManager.
      reconnectDelay:
        'Firefox holds back a WebSocket to a host that just failed: 200–400 ms, ×1.5 per failure (RFC 6455 §7.2.3)',
    },
    launch: () =>
      launchPuppeteer({
        engine: 'firefox',
        executablePath: required(
          'Firefox',
          process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
          'firefox-esr',
          'FIREFOX_PATH',
        ),
      }),
  },
  {
    name: 'webkit',
    traits: {
      workerOutlivesReload: false,
      noCrash: 'WebKitGTK has no crash URL and WebDriver no crash command',
    },
    launch: () =>
      launchWebKit({
        driverPath: required(
          'WebKitWebDriver',
          process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver',
          'webkit2gtk-driver',
          'WEBKIT_DRIVER_PATH',
        ),
        browserPath: required(
          "WebKitGTK's MiniBrowser",
          miniBrowserPath(),
          'webkit2gtk-driver',
          'WEBKIT_MINIBROWSER_PATH',
        ),
        xvfbPath: required('Xvfb', process.env.XVFB_PATH ?? '/usr/bin/Xvfb', 'xvfb', 'XVFB_PATH'),
      }),
  },
];
