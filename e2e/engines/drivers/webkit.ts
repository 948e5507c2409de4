/**
 * WebKitGTK's MiniBrowser through WebKitWebDriver (classic W3C WebDriver), on an Xvfb display
 * of its own. Each session is a WebDriver session, so a MiniBrowser process with a fresh
 * profile; its first window stays on about:blank, so closing a test's last tab never ends it.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { type Daemon, freePort, startDaemon } from './daemon';
import type { BrowserSession, EngineDriver, Tab } from './driver';
import { WebDriverClient, type WebDriverSession } from './webdriver-client';

const READY_TIMEOUT_MS = 10_000;
const DRIVER_START_TRIES = 3;

export interface WebKitOptions {
  /** WebKitWebDriver */
  driverPath: string;
  /** WebKitGTK's MiniBrowser, which WebKitWebDriver starts with --automation */
  browserPath: string;
  /** Xvfb */
  xvfbPath: string;
}

export async function launchWebKit(options: WebKitOptions): Promise<EngineDriver> {
  const xvfb = await startXvfb(options.xvfbPath);
  const { daemon, client } = await startDriver(options.driverPath, xvfb.display).catch(
    async (error: unknown) => {
      await xvfb.daemon.stop();
      throw error;
    },
  );
  const sessions = new Set<WebDriverSession>();
  const capabilities = {
    'webkitgtk:browserOptions': { binary: options.browserPath, args: ['--automation'] },
  };
  const open = async () => {
    const session = await client.newSession(capabilities);
    sessions.add(session);
    return session;
  };
  // One session up front: it checks the browser starts, and tells its version.
  const first = await open().catch(async (error: unknown) => {
    await daemon.stop();
    await xvfb.daemon.stop();
    throw error;
  });
  const version = `MiniBrowser/${String(first.capabilities.browserVersion)}`;
  let spare: WebDriverSession | undefined = first;
  return {
    engine: 'webkit',
    version,
    async newSession() {
      const session = spare ?? (await open());
      spare = undefined;
      return sessionOf(session, () => sessions.delete(session));
    },
    async close() {
      await Promise.allSettled([...sessions].map((session) => session.delete()));
      sessions.clear();
      await daemon.stop();
      await xvfb.daemon.stop();
    },
  };
}

/** Starts Xvfb on the first free display; Xvfb itself picks it and writes it to fd 3. */
async function startXvfb(path: string): Promise<{ daemon: Daemon; display: string }> {
  const daemon = startDaemon(
    path,
    ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const fd = daemon.child.stdio[3];
  const display = await new Promise<string | undefined>((resolve) => {
    let text = '';
    fd?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.trim());
    });
    daemon.child.once('exit', () => resolve(undefined));
    daemon.child.once('error', () => resolve(undefined));
  });
  if (display === undefined) {
    await daemon.stop();
    throw new Error(`Xvfb (${path}) did not start: ${daemon.stderr()}`);
  }
  return { daemon, display: `:${display}` };
}

/** Starts WebKitWebDriver on a free loopback port; a port taken meanwhile is retried. */
async function startDriver(
  path: string,
  display: string,
): Promise<{ daemon: Daemon; client: WebDriverClient }> {
  let lastError = '';
  for (let attempt = 0; attempt < DRIVER_START_TRIES; attempt++) {
    const port = await freePort();
    const daemon = startDaemon(path, [`--port=${port}`], {
      env: { ...process.env, DISPLAY: display },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const client = new WebDriverClient(`http://127.0.0.1:${port}`);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!daemon.exited() && Date.now() < deadline) {
      if (await client.ready().catch(() => false)) return { daemon, client };
      await delay(50);
    }
    lastError = daemon.stderr();
    await daemon.stop();
  }
  throw new Error(`WebKitWebDriver (${path}) did not start: ${lastError}`);
}

async function sessionOf(session: WebDriverSession, forget: () => void): Promise<BrowserSession> {
  // The window the session opened with: it stays on about:blank, and is current whenever
  // no tab is (a closed current window would fail the next "new window" command).
  const home = await session.currentWindow();
  let current: string | undefined = home;
  // One current window per session: the commands run one at a time, never interleaved, and
  // each command for a tab switches to it first.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(command: () => Promise<T>): Promise<T> => {
    const run = queue.then(command);
    queue = run.catch(() => {});
    return run;
  };
  const switchTo = async (handle: string) => {
    if (current === handle) return;
    await session.switchTo(handle);
    current = handle;
  };
  const inTab: InTab = (handle, command) =>
    serial(async () => {
      await switchTo(handle);
      return command();
    });
  return {
    async openTab(url) {
      const handle = await serial(async () => {
        if (current === undefined) await switchTo(home);
        return session.newTab();
      });
      await inTab(handle, () => session.navigate(url));
      return tabOf(session, handle, inTab, () => {
        current = undefined;
      });
    },
    async close() {
      forget();
      await queue;
      await session.delete();
    },
  };
}

type InTab = <T>(handle: string, command: () => Promise<T>) => Promise<T>;

function tabOf(session: WebDriverSession, handle: string, inTab: InTab, closed: () => void): Tab {
  return {
    async evaluate<R, A>(fn: (arg: A) => R, arg?: A): Promise<Awaited<R>> {
      const answer = (await inTab(handle, () =>
        session.executeAsync(evaluateScript(fn), arg === undefined ? [] : [arg]),
      )) as { ok: boolean; value?: Awaited<R>; error?: string };
      if (!answer.ok) throw new Error(`evaluate failed in WebKit: ${answer.error}`);
      return answer.value as Awaited<R>;
    },
    goto: (url) => inTab(handle, () => session.navigate(url)),
    reload: () => inTab(handle, () => session.refresh()),
    close: () =>
      inTab(handle, async () => {
        await session.closeWindow();
        closed();
      }),
  };
}

/** The body of an async script that calls `fn` with the first argument, if any. */
function evaluateScript(fn: (arg: never) => unknown): string {
  return `const done = arguments[arguments.length - 1];
const args = Array.prototype.slice.call(arguments, 0, -1);
Promise.resolve()
  .then(() => (${fn.toString()}).apply(null, args))
  .then(
    (value) => done(value === undefined ? { ok: true } : { ok: true, value }),
    (error) => done({ ok: false, error: String((error && error.stack) || error) }),
  );`;
}
