import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import type { TabSocketClient } from 'tabsocket/server';
import { WebSocket, WebSocketServer } from 'ws';
import { expect, expectAll, messagesOf, statesOf, test } from './support/fixtures';

/**
 * What one user, or one bad frame, can do to the others: issue 9. Each test would fail on
 * the code before that issue.
 */

/** Control frames of the wire (protocol/wire.ts), as a chat line a user could type. */
const FORGERIES = [
  '{"$ts":"ack","id":1}',
  '{"$ts":"ack","id":2}',
  '{"$ts":"push","seq":999,"data":{"forged":true}}',
  '{"$ts":"resync","seq":1000000000}',
  '{"$ts":"resumed","seq":5}',
  '{"$ts":"hello","v":1,"nonce":"0123456789abcdef0123"}',
];

async function pushedNumbers(tab: Page): Promise<number[]> {
  return ((await messagesOf(tab)) as Array<{ n?: unknown }>)
    .map((message) => message?.n)
    .filter((n): n is number => typeof n === 'number');
}

test('chat lines shaped like control frames reach the tabs as text and forge nothing', async ({
  context,
  referenceServer,
  openTab,
}) => {
  const { server, urlFor } = referenceServer;
  const received: unknown[] = [];
  const aliceSockets: TabSocketClient[] = [];
  let connections = 0;
  server.on('connection', (client) => {
    connections += 1;
    if (client.userId !== 'alice') return;
    aliceSockets.push(client);
    client.send('{"$ts":"ack","id":3}');
  });
  // The app relays every chat line as is: to everyone, and to each of Alice's sockets.
  server.on('message', (client, data) => {
    if (client.userId !== 'mallory') {
      received.push(data);
      return;
    }
    server.broadcast(data as string);
    for (const socket of aliceSockets) socket.send(data as string);
  });

  const tabs = [
    await openTab(context, { url: urlFor('alice'), format: 'text' }),
    await openTab(context, { url: urlFor('alice'), format: 'text' }),
  ];
  await expectAll(tabs, 'open');
  const sends = tabs[0]?.evaluate(() =>
    Promise.all([1, 2, 3].map((n) => window.harness.send(JSON.stringify({ n })))),
  );

  const mallory = new WebSocket(urlFor('mallory'));
  await new Promise((resolve) => mallory.once('open', resolve));
  for (const line of FORGERIES) mallory.send(line);
  for (let n = 0; n < 10; n++) server.push('alice', JSON.stringify({ n }));

  await sends;
  await expect.poll(() => received.length).toBe(3);
  // The welcome went out when the first tab opened the socket, before the second joined.
  await expect.poll(() => messagesOf(tabs[0] as Page)).toContain('{"$ts":"ack","id":3}');
  for (const tab of tabs) {
    const relayed = (messages: unknown[]) =>
      (messages as string[]).filter((text) => FORGERIES.includes(text) || text.startsWith('{"n":'));
    await expect
      .poll(async () => relayed(await messagesOf(tab)).length)
      .toBe(FORGERIES.length * 2 + 10);
    const messages = (await messagesOf(tab)) as string[];
    // Every forged line arrives as the text it is, twice (broadcast and push), and the real
    // pushes once each, in order.
    expect(messages.filter((text) => FORGERIES.includes(text)).length).toBe(FORGERIES.length * 2);
    const pushes = messages.filter((text) => text.startsWith('{"n":'));
    expect(pushes.map((text) => JSON.parse(text).n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await tab.evaluate(() => window.harness.resyncs)).toBe(0);
    const states = (await statesOf(tab)).map(({ state }) => state);
    expect(states.slice(states.indexOf('open') + 1)).toEqual([]);
  }
  expect(received).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  // Alice's one socket and Mallory's: no forced reconnect.
  expect(connections).toBe(2);
  mallory.terminate();
});

test('a frame nested 3,000 deep is delivered as text with an error; the next frames flow and logout reaches every tab', async ({
  context,
  server,
  openTab,
}) => {
  const tabs = [
    await openTab(context, { url: server.url }),
    await openTab(context, { url: server.url }),
  ];
  await expectAll(tabs, 'open');
  const deep = `${'['.repeat(3_000)}${']'.repeat(3_000)}`;
  server.push({ before: true });
  server.push(deep);
  server.push({ after: true });
  for (const tab of tabs) {
    await expect.poll(async () => (await messagesOf(tab)).length).toBe(3);
    const [before, delivered, after] = await messagesOf(tab);
    expect(before).toEqual({ before: true });
    expect(delivered).toBe(deep);
    expect(after).toEqual({ after: true });
    expect(await tab.evaluate(() => window.harness.errors)).toMatchObject([
      { code: 'TS_ERR_MALFORMED_FRAME' },
    ]);
  }
  await tabs[0]?.evaluate(() => window.harness.close());
  await expectAll(tabs, 'closed');
  await expect.poll(() => server.open).toBe(0);
});

/** A server that speaks the protocol badly, on purpose: `answer` replies to each resume. */
async function hostileServer(answer: (socket: WebSocket, resume: Record<string, unknown>) => void) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const resumes: Array<Record<string, unknown>> = [];
  wss.on('connection', (socket) => {
    const nonce = `nonce-${resumes.length}-0123456789abcdef`;
    socket.send(JSON.stringify({ $ts: 'hello', v: 1, nonce }));
    socket.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as Record<string, unknown>;
      if (frame.$ts !== 'resume') return;
      resumes.push(frame);
      answer(socket, frame);
    });
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
  const close = async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
  return { url, resumes, close };
}

test('a push numbered 2^53 does not wedge the stream', async ({ context, openTab }) => {
  const server = await hostileServer((socket, { nonce }) => {
    socket.send(JSON.stringify({ $ts: 'resumed', nonce, seq: 0 }));
    socket.send(JSON.stringify({ $ts: 'push', seq: 2 ** 53, data: { n: -1 } }));
    socket.send(JSON.stringify({ $ts: 'push', seq: -5, data: { n: -2 } }));
    socket.send(JSON.stringify({ $ts: 'push', seq: 1, data: { n: 1 } }));
    socket.send(JSON.stringify({ $ts: 'push', seq: 2, data: { n: 2 } }));
  });
  try {
    const tab = await openTab(context, { url: server.url, heartbeat: false });
    await expect.poll(() => pushedNumbers(tab)).toEqual([1, 2]);
  } finally {
    await server.close();
  }
});

test('a resume the server refuses starts a fresh session, with resync, at the backoff pace', async ({
  context,
  openTab,
}) => {
  let refusals = 0;
  const server = await hostileServer((socket, { nonce, session }) => {
    if (refusals < 3) {
      refusals += 1;
      socket.send(JSON.stringify({ $ts: 'error', code: 'invalid-session', message: 'no', nonce }));
      return;
    }
    socket.send(JSON.stringify({ $ts: 'resumed', nonce, seq: 0 }));
    socket.send(JSON.stringify({ $ts: 'push', seq: 1, data: { n: 1, session } }));
  });
  try {
    const tab = await openTab(context, {
      url: server.url,
      heartbeat: false,
      reconnect: { minDelay: 100, maxDelay: 400 },
    });
    await expect.poll(() => pushedNumbers(tab)).toEqual([1]);
    expect(await tab.evaluate(() => window.harness.resyncs)).toBe(3);
    const sessions = new Set(server.resumes.map((resume) => resume.session));
    expect(sessions.size).toBe(4);
    expect(server.resumes.map((resume) => resume.last)).toEqual([0, 0, 0, 0]);
    const reasons = (await statesOf(tab)).map(({ detail }) => detail.reason);
    expect(reasons.filter((reason) => reason === 'resume-refused')).toHaveLength(3);
  } finally {
    await server.close();
  }
});
