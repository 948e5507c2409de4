import { describe, expect, it } from 'vitest';
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

    it('says held once a resume of it was offered, or for one taken from a hub that offered it', () => {
      const fresh = new WireSession();
      expect(JSON.parse(fresh.resumeFrame('n')).held).toBeUndefined();
      fresh.offered();
      expect(JSON.parse(fresh.resumeFrame('n')).held).toBe(true);
      expect(JSON.parse(new WireSession('taken', 0).resumeFrame('n')).held).toBe(true);
      const neverOffered = new WireSession('taken', 0, 'new');
      expect(JSON.parse(neverOffered.resumeFrame('n')).held).toBeUndefined();
    });
  });

  it('gets a fresh random id per session', () => {
    expect(new WireSession().id).not.toBe(new WireSession().id);
  });
});
