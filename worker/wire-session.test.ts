import { describe, expect, it } from 'vitest';
import { ConnectionClosedError } from './errors/connection-closed-error';
import { WireSession } from './wire-session';

describe('WireSession', () => {
  describe('#accept()', () => {
    it('delivers the next push, drops one seen before, and flags a gap', () => {
      const session = new WireSession();
      expect(session.accept(1)).toBe('deliver');
      expect(session.accept(1)).toBe('duplicate');
      expect(session.accept(3)).toBe('gap');
      expect(session.accept(2)).toBe('duplicate');
      expect(session.lastSeq).toBe(3);
    });
  });

  describe('#resumeFrame()', () => {
    it("echoes the hello's nonce and names the session and the last push delivered", () => {
      const session = new WireSession();
      session.accept(1);
      session.skipTo(7);
      expect(JSON.parse(session.resumeFrame('nonce-of-the-hello'))).toEqual({
        $ts: 'resume',
        nonce: 'nonce-of-the-hello',
        session: session.id,
        last: 7,
      });
    });
  });

  describe('#renew()', () => {
    it('starts afresh with a new id and carries unacked messages over, renumbered, promises kept', async () => {
      const session = new WireSession();
      session.accept(5);
      const first = session.track('a');
      const second = session.track('b');
      session.ack(1);
      const fresh = session.renew();
      expect(fresh.id).not.toBe(session.id);
      expect(fresh.lastSeq).toBe(0);
      expect(session.unacked).toBe(0);
      expect(fresh.pendingFrames()).toEqual(['{"$ts":"msg","id":1,"text":"b"}']);
      fresh.ack(1);
      await Promise.all([first.acked, second.acked]);
    });

    it('rejects a carried-over message when the fresh session is closed', async () => {
      const session = new WireSession();
      const { acked } = session.track('a');
      session.renew().rejectAll(new ConnectionClosedError('closed'));
      await expect(acked).rejects.toBeInstanceOf(ConnectionClosedError);
    });
  });

  describe('#track() and #ack()', () => {
    it('numbers messages 1, 2, 3… and settles each on its ack', async () => {
      const session = new WireSession();
      const first = session.track('a');
      const second = session.track('b');
      expect([first.frame, second.frame]).toEqual([
        '{"$ts":"msg","id":1,"text":"a"}',
        '{"$ts":"msg","id":2,"text":"b"}',
      ]);
      session.ack(2);
      await second.acked;
      expect(session.unacked).toBe(1);
      expect(session.pendingFrames()).toEqual([first.frame]);
    });

    it('ignores an ack for an unknown id', () => {
      const session = new WireSession();
      session.track('a');
      session.ack(9);
      expect(session.unacked).toBe(1);
    });
  });

  describe('#abandonAcks()', () => {
    it('answers the texts in order and resolves their promises', async () => {
      const session = new WireSession();
      const { acked } = session.track('a');
      session.track('b');
      expect(session.abandonAcks()).toEqual(['a', 'b']);
      await acked;
      expect(session.unacked).toBe(0);
    });
  });

  describe('#rejectAll()', () => {
    it('rejects every unacked message', async () => {
      const session = new WireSession();
      const { acked } = session.track('a');
      session.rejectAll(new ConnectionClosedError('bye'));
      await expect(acked).rejects.toBeInstanceOf(ConnectionClosedError);
      expect(session.pendingFrames()).toEqual([]);
    });
  });

  it('gets a fresh random id per session', () => {
    expect(new WireSession().id).not.toBe(new WireSession().id);
  });
});
