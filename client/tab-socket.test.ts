import { describe, expect, it } from 'vitest';
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
});
