import { describe, expect, it } from 'vitest';
import type { ConnectionSnapshot, SessionCursor } from '../protocol/tab-hub';
import { type HandleHost, TabSocketHandle } from './tab-socket';

const host: HandleHost = {
  tabId: 'tab-1',
  send: () => Promise.resolve(),
  close: () => Promise.resolve(),
  release: () => Promise.resolve(),
  inspect: () => Promise.resolve(undefined),
  interestChanged: () => {},
};

/** A handle and what it told the app: states with their reason, and `resync`. */
function handle() {
  const socket = new TabSocketHandle('default', host);
  const told: string[] = [];
  socket.on('state', (state, detail) => told.push(`${state}:${detail.reason}`));
  socket.on('resync', () => told.push('resync'));
  const open = () =>
    socket.receive({
      kind: 'state',
      name: 'default',
      state: 'open',
      detail: { from: 'connecting', reason: 'open' },
    });
  return { socket, told, open };
}

describe('TabSocketHandle#loseWorker()', () => {
  it('resyncs once open again after a death it could not resume from', () => {
    const { socket, told, open } = handle();
    open();
    socket.loseWorker('connecting', false);
    open();
    expect(told).toEqual(['open:open', 'connecting:worker-lost', 'open:open', 'resync']);
  });

  it('does not resync a handle the dead worker never answered: it followed no stream yet', () => {
    const { socket, told, open } = handle();
    socket.loseWorker('connecting', false);
    open();
    expect(told).toEqual(['connecting:worker-lost', 'open:open']);
  });

  // Seed 3003 (every fault), after seed 4601's fix: a new page's handle, `connecting` on its
  // worker's first socket, which never opened before the worker died, got `resync` for nothing.
  it('does not resync a handle that was connecting but never open: it followed no stream yet', () => {
    const { socket, told, open } = handle();
    socket.receive({
      kind: 'state',
      name: 'default',
      state: 'connecting',
      detail: { from: 'idle', reason: 'start' },
    });
    socket.loseWorker('connecting', false);
    open();
    expect(told).toEqual(['connecting:start', 'connecting:worker-lost', 'open:open']);
  });
});

describe('TabSocketHandle: a resync of what was lost before the socket opened (`past`)', () => {
  const snapshot = { name: 'default', state: 'open' } as ConnectionSnapshot;
  const past = { kind: 'resync', name: 'default', past: true } as const;
  const cursor = { session: 's1', seq: 3, nextId: 1, epoch: 0 } as SessionCursor;

  it('is not told to a handle that joined the open socket with no cursor: it lost none of its pushes', () => {
    const { socket, told } = handle();
    socket.on('message', () => {});
    socket.adopt(snapshot);
    socket.receive(past);
    expect(told).toEqual(['open:attached']);
  });

  it('is not told either when the state reached the handle before the answer to its open', () => {
    const { socket, told, open } = handle();
    open();
    socket.adopt(snapshot);
    socket.receive(past);
    expect(told).toEqual(['open:open']);
  });

  it('is told to a handle that brought a cursor, listens to a topic, or heard the socket open', () => {
    const resumed = handle();
    resumed.socket.adopt(snapshot, cursor);
    resumed.socket.receive(past);
    expect(resumed.told).toEqual(['open:attached', 'resync']);

    const topic = handle();
    topic.socket.subscribe('a', () => {});
    topic.socket.adopt(snapshot);
    topic.socket.receive(past);
    expect(topic.told).toEqual(['open:attached', 'resync']);

    const earlier = handle();
    earlier.socket.adopt({ ...snapshot, state: 'connecting' });
    earlier.open();
    earlier.socket.receive(past);
    expect(earlier.told).toEqual(['connecting:attached', 'open:open', 'resync']);
  });

  it('is told to every handle when it does not say `past`', () => {
    const { socket, told } = handle();
    socket.adopt(snapshot);
    socket.receive({ kind: 'resync', name: 'default' });
    expect(told).toEqual(['open:attached', 'resync']);
  });
});
