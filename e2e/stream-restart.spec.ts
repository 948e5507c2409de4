/**
 * A stream that restarts (issue 19): the in-memory reference server killed with SIGKILL and
 * started again on the same port, its sessions gone, under 3 tabs of one user. The new server
 * answers the worker's resume with a new session id, so every push of the new stream reaches
 * every tab once, in order, after a `resync` event. (Before, it numbered from 1 again under
 * the old id, and the tabs dropped as many of its pushes as the old stream had had.)
 */
import type { Page } from '@playwright/test';
import { ClusterNode } from './support/cluster-node';
import { test as base, expect, messagesOf } from './support/fixtures';
import { pushNumbers } from './support/pushes';

const TABS = 3;
const PUSH_EVERY_MS = 20;
/** Pushes of the old stream: the tabs' cursors stand this far when the server dies. */
const OLD_PUSHES = 40;
/** The new server's pushes are numbered from here, to tell the streams apart. */
const NEW_FROM = 1_000;

const test = base.extend<{ spawn: (name: string, port?: number) => Promise<ClusterNode> }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature
  spawn: async ({}, use) => {
    const started: ClusterNode[] = [];
    await use(async (name, port) => {
      const node = await ClusterNode.startInMemory(name, port);
      started.push(node);
      return node;
    });
    await Promise.all(started.map((node) => node.kill('SIGKILL')));
  },
});

/**
 * Pushes `{ n }` to alice every PUSH_EVERY_MS, n = from, from + 1…; `streamed` are the pushes
 * a socket or session of hers took (a push made before the worker's socket reached the
 * server went to nobody: no stream has it).
 */
class PushStream {
  readonly streamed: number[] = [];
  readonly #pending = new Set<Promise<unknown>>();
  readonly #timer: NodeJS.Timeout;

  constructor(node: ClusterNode, from: number) {
    let n = from;
    this.#timer = setInterval(() => {
      const pushed = n++;
      const push = node
        .push('alice', { n: pushed })
        .then((written) => {
          if (Number(written) > 0) this.streamed.push(pushed);
        })
        .catch(() => {});
      this.#pending.add(push);
      void push.finally(() => this.#pending.delete(push));
    }, PUSH_EVERY_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all(this.#pending);
  }
}

/** Which of `expected` the tab got not at all, and which more than once. */
function tally(numbers: number[], expected: number[]) {
  const times = new Map<number, number>();
  for (const n of numbers) times.set(n, (times.get(n) ?? 0) + 1);
  return {
    lost: expected.filter((n) => !times.has(n)),
    twice: [...times].filter(([, seen]) => seen > 1).map(([n]) => n),
  };
}

test('in-memory reference server killed and restarted under 3 tabs: every push of the new stream reaches every tab once, after a resync', async ({
  context,
  openTabs,
  spawn,
}) => {
  test.setTimeout(60_000);
  const first = await spawn('first');
  const tabs: Page[] = await openTabs(context, TABS, {
    url: `ws://127.0.0.1:${first.port}/?token=user-alice`,
    reconnect: { minDelay: 100, maxDelay: 500, jitter: 0 },
  });
  const old = new PushStream(first, 0);
  await expect.poll(() => old.streamed.length).toBeGreaterThanOrEqual(OLD_PUSHES);
  await old.stop();
  for (const tab of tabs) await expect.poll(() => pushNumbers(tab)).toEqual(old.streamed);

  await first.kill('SIGKILL');
  const second = await spawn('second', first.port);
  const stream = new PushStream(second, NEW_FROM);
  for (const tab of tabs) {
    await expect
      .poll(() => tab.evaluate(() => window.harness.state() === 'open' && window.harness.resyncs))
      .toBeGreaterThanOrEqual(1);
  }
  // Past where the old stream stood: the tabs' cursors of the old session would hide these.
  await expect
    .poll(() => stream.streamed.length, { timeout: 15_000 })
    .toBeGreaterThan(2 * old.streamed.length);
  await stream.stop();
  expect(second.open).toBe(1);

  const figures: string[] = [];
  for (const [index, tab] of tabs.entries()) {
    const last = stream.streamed.at(-1);
    await expect
      .poll(async () => (await pushNumbers(tab)).includes(last ?? -1), { timeout: 15_000 })
      .toBe(true);
    const numbers = await pushNumbers(tab);
    const renewed = numbers.filter((n) => n >= NEW_FROM);
    const { lost, twice } = tally(renewed, stream.streamed);
    const label = `tab ${index}: ${renewed.length} of ${stream.streamed.length}, lost [${lost.join(',')}], twice [${twice.join(',')}]`;
    expect(
      numbers.filter((n) => n < NEW_FROM),
      label,
    ).toEqual(old.streamed);
    expect(renewed, label).toEqual(stream.streamed);
    // The resync came after the old stream's last push and before the new stream's first.
    const messages = (await messagesOf(tab)) as Array<{ n?: number }>;
    const firstNew = messages.findIndex((message) => (message.n ?? 0) >= NEW_FROM);
    const resyncedAt = await tab.evaluate(() => window.harness.resyncedAt);
    expect(resyncedAt, label).toContain(firstNew);
    figures.push(`${label}, resyncs ${resyncedAt.length}`);
  }
  console.log(
    `[figure] stream restart (in-memory server, kill -9, same port): old stream ${old.streamed.length} pushes; new stream ${stream.streamed.length} pushes; ${figures.join('; ')}`,
  );
});
