/**
 * Review of fix19's confirmation before a numbered write (c9d0899, 6a4c41b, 68c7487): a
 * tab's send is written only once that tab answered `heard`, and every later send of the
 * connection (other tabs' too) waits behind it. A tab that stops answering without a
 * pagehide keeps its lock (a hung main thread, `alert()` open, a paused debugger, a page
 * Chrome froze in the background: none runs the tab's tasks, none releases its lock), so
 * `HeardWrites.ask` never resolves and nothing else is written. Each test fails on the
 * code as it is.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tabLockName } from '../../protocol/locks';
import type { HubApi, TabEvent, TabEventMessage } from '../../protocol/tab-hub';
import { HEARD_DEADLINE_MS } from '../share/tab-send';
import { HELLO, resumed, resyncOnto } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import type { Hub } from './hub';

const ALL = { all: true, topics: [] };
const ack = (id: number) => JSON.stringify({ $ts: 'ack', id });

let world = hubWorld();
afterEach(() => {
  vi.useRealTimers();
  world.dispose();
  world = hubWorld();
});

/**
 * A tab holding its lock; `answers`: whether its main thread runs (it answers each
 * `written` that awaits with `heard`, as client/hub-client.ts does) or is hung.
 */
async function tab(hub: Hub, tabId: string, name: string, { answers = true } = {}) {
  await new Promise<void>((held) => {
    void world.locks.request(tabLockName(tabId), {}, () => {
      held();
      return new Promise(() => {});
    });
  });
  const events: TabEvent[] = [];
  const api: HubApi = hub.api({
    postMessage: ({ tabsocket }: TabEventMessage) => {
      events.push(tabsocket);
      if (answers && tabsocket.kind === 'written' && tabsocket.awaits && tabsocket.wire) {
        const { name: of, id, wire } = tabsocket;
        queueMicrotask(() => api.heard(tabId, of, id, wire));
      }
    },
  });
  await api.attach(tabId, true);
  await api.open(tabId, relayOptions(name));
  api.setInterest(tabId, name, ALL);
  return { api, events, tabId };
}

function texts(sent: unknown[]): string[] {
  return sent
    .map((frame) => JSON.parse(String(frame)) as { $ts?: string; text?: string })
    .filter((frame) => frame.$ts === 'msg')
    .map((frame) => frame.text as string);
}

describe('a tab that stops answering (no pagehide) and the sends of the others', () => {
  it('a send of a live tab is written while another tab of the same worker hangs with a send of its own', async () => {
    // SharedWorker: tab-a sends, then its main thread blocks (an `alert()` after the click,
    // say) before it runs the `written` event; tab-b answers at once. Before fix19 tab-b's
    // send went at once; now it waits behind tab-a's for as long as tab-a hangs, for ever
    // if it never comes back (a page frozen in the background and never shown again).
    // Invariant: no send ever waits forever (docs/design.md, "One send contract").
    const name = 'hung-tab';
    const { hub } = world.startHub('build-a');
    const hung = await tab(hub, 'tab-a', name, { answers: false });
    const live = await tab(hub, 'tab-b', name);
    const socket = world.latest();
    socket.accept();
    socket.receive(HELLO);
    socket.receive(resumed(0));

    vi.useFakeTimers();
    void hung.api.send('tab-a', name, 'from-a', { id: 1, confirms: true });
    const fromB = live.api.send('tab-b', name, 'from-b', { id: 1, confirms: true });
    // Ten minutes: no heartbeat, no timeout frees it.
    await vi.advanceTimersByTimeAsync(600_000);
    expect(texts(socket.sent)).toContain('from-b');
    socket.receive(ack(2));
    await expect(fromB).resolves.toEqual({ ok: true, value: undefined });
  });

  it('a hung tab of one worker holds the sends of tabs of another build relayed through it', async () => {
    // No SharedWorker (each tab its own worker) or two builds: tab-b's hub relays through
    // tab-a's, which owns the socket. tab-a sends and hangs; tab-b's send reaches the owner
    // and is queued behind tab-a's, unwritten for as long as tab-a hangs. Invariant: no send
    // ever waits forever.
    const name = 'hung-owner-tab';
    const a = world.startHub('build-a');
    const b = world.startHub('build-b');
    const hung = await tab(a.hub, 'tab-a', name, { answers: false });
    const socket = world.latest();
    socket.accept();
    socket.receive(HELLO);
    socket.receive(resumed(0));
    const live = await tab(b.hub, 'tab-b', name);

    void hung.api.send('tab-a', name, 'from-a', { id: 1, confirms: true });
    void live.api.send('tab-b', name, 'from-b', { id: 1, confirms: true });
    // The relay is a real BroadcastChannel: give it time to carry the send, past the
    // deadline for tab-a's answer (HEARD_DEADLINE_MS).
    await new Promise((resolve) => setTimeout(resolve, HEARD_DEADLINE_MS + 300));
    expect(texts(socket.sent)).toContain('from-b');
  });

  it('the outbox of every tab fills behind one hung tab: a live tab’s sends reject with OutboxFullError', async () => {
    // The waiting messages count toward the connection's outboxLimit, shared by all tabs:
    // behind one hung tab's send the others' pile up unwritten until the limit, and then
    // every send of every tab is refused. Invariant: no send ever waits forever; a live
    // connection takes sends.
    const name = 'hung-outbox';
    const { hub } = world.startHub('build-a');
    const hung = await tab(hub, 'tab-a', name, { answers: false });
    const live = await tab(hub, 'tab-b', name);
    const socket = world.latest();
    socket.accept();
    socket.receive(HELLO);
    socket.receive(resumed(0));

    // The server acknowledges each message as it comes: only what waits unwritten fills.
    const write = socket.send.bind(socket);
    socket.send = (data) => {
      write(data);
      const frame = JSON.parse(String(data)) as { $ts?: string; id?: number };
      if (frame.$ts === 'msg') queueMicrotask(() => socket.receive(ack(frame.id as number)));
    };
    vi.useFakeTimers();
    void hung.api.send('tab-a', name, 'from-a', { id: 1, confirms: true });
    const outcomes = [];
    for (let id = 1; id <= 1_001; id += 1) {
      outcomes.push(live.api.send('tab-b', name, `b-${id}`, { id, confirms: true }));
      // One send every 2 ms, as a program's sends come: each could be written before the
      // next (the deadline for tab-a's answer passes half-way).
      await vi.advanceTimersByTimeAsync(2);
    }
    const last = await Promise.race([outcomes[1_000], Promise.resolve('pending')]);
    expect(last).not.toMatchObject({ ok: false, error: { code: 'TS_ERR_OUTBOX_FULL' } });
    expect(texts(socket.sent).filter((text) => text.startsWith('b-')).length).toBeGreaterThan(0);
  });

  it('a send whose tab has not answered is not written under the id of a fresh session on the stale answer of the last', async () => {
    // tab-a sends; its `written` (S1, id 1) waits unanswered (the tab is busy). The socket
    // drops and the server lost the session: the next socket goes on under S2 and the
    // queue renumbers. Asked again about S2's id 1, `HeardWrites.ask` resolves the wait for
    // S1's id 1 (the same key), and `SendQueue.#ask`'s answer for it finds `asked === 1`:
    // it marks the message told, and it is written under S2's id 1 that the tab never
    // recorded. The worker dying now (no SharedWorker: the tab runs the death before that
    // `written`) leaves the tab with S1's id: it posts the send again, which S2 takes as
    // new (written twice), the very race c9d0899 closed.
    // Invariant: a send reaches the app once.
    const name = 'renumber';
    vi.useFakeTimers();
    const { hub } = world.startHub('build-a');
    const slow = await tab(hub, 'tab-a', name, { answers: false });
    const first = world.latest();
    first.accept();
    first.receive(HELLO);
    first.receive(resumed(0));
    void slow.api.send('tab-a', name, 'from-a', { id: 1, confirms: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(slow.events).toContainEqual(expect.objectContaining({ kind: 'written', awaits: true }));

    first.drop();
    while (world.sockets.length < 2) await vi.advanceTimersByTimeAsync(10);
    const second = world.latest();
    second.accept();
    second.receive(HELLO);
    second.receive(resyncOnto('session-2'));
    await vi.advanceTimersByTimeAsync(0);
    // tab-a answered nothing, about S1 or S2: its send must wait.
    expect(texts(second.sent)).not.toContain('from-a');
  });
});
