import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TabEvent } from '../protocol/tab-hub';
import { StreamCursors } from './stream-cursors';

const frames = (...seqs: number[]): TabEvent => ({
  kind: 'frames',
  name: 'chat',
  frames: seqs.map((seq) => ({ data: seq, seq })),
});

describe('StreamCursors', () => {
  it('drops the pushes a tab had, after a hub that resumed a little early', () => {
    const cursors = new StreamCursors();
    cursors.tell('chat', { session: 's1', seq: 0, nextId: 1 });
    expect(cursors.pass(frames(1, 2, 3))).toEqual(frames(1, 2, 3));
    expect(cursors.pass(frames(2, 3, 4))).toEqual(frames(4));
    expect(cursors.pass(frames(3, 4))).toBeUndefined();
    expect(cursors.get('chat')).toEqual({ session: 's1', seq: 4, nextId: 1 });
  });

  it('passes frames without a push number (a plain server) as they are', () => {
    const cursors = new StreamCursors();
    cursors.tell('chat', { session: 's1', seq: 5, nextId: 1 });
    const plain: TabEvent = { kind: 'frames', name: 'chat', frames: [{ data: 'x' }] };
    expect(cursors.pass(plain)).toBe(plain);
  });

  it('starts over with a new session, and moves on within one', () => {
    const cursors = new StreamCursors();
    cursors.tell('chat', { session: 's1', seq: 7, nextId: 4 });
    expect(
      cursors.pass({ kind: 'cursor', name: 'chat', cursor: { session: 's1', seq: 3, nextId: 9 } }),
    ).toBeUndefined();
    expect(cursors.get('chat')).toEqual({ session: 's1', seq: 7, nextId: 9 });
    cursors.tell('chat', { session: 's2', seq: 0, nextId: 1 });
    expect(cursors.pass(frames(1))).toEqual(frames(1));
  });

  describe('across a reload', () => {
    let storage: Map<string, string>;
    beforeEach(() => {
      storage = new Map();
      vi.stubGlobal('sessionStorage', {
        getItem: (key: string) => storage.get(key) ?? null,
        setItem: (key: string, value: string) => storage.set(key, value),
      });
    });
    afterEach(() => vi.unstubAllGlobals());

    it('gives the next page the cursor of the same url, once', () => {
      const before = new StreamCursors();
      before.tell('chat', { session: 's1', seq: 12, nextId: 3 });
      before.save(new Map([['chat', { options: { url: 'wss://a/ws' } }]]));
      const after = new StreamCursors();
      expect(after.takeSaved('chat', 'wss://a/ws')).toEqual({ session: 's1', seq: 12, nextId: 3 });
      expect(after.takeSaved('chat', 'wss://a/ws')).toBeUndefined();
    });

    it('keeps no session for another url (another login) or unreadable storage', () => {
      const before = new StreamCursors();
      before.tell('chat', { session: 's1', seq: 12, nextId: 3 });
      before.save(new Map([['chat', { options: { url: 'wss://a/ws?user=1' } }]]));
      expect(new StreamCursors().takeSaved('chat', 'wss://a/ws?user=2')).toBeUndefined();
      storage.set('tabsocket:cursors', '{not json');
      expect(new StreamCursors().takeSaved('chat', 'wss://a/ws')).toBeUndefined();
    });
  });
});
