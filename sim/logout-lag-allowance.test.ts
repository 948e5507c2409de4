/**
 * `checkLogouts` with the channel-lag allowance of bec8a5c: in a browser whose
 * BroadcastChannels lag, a push the server appended before the logout may reach a tab up
 * to the lag (30 ms) after close() resolved, as an owner's relayed push on its way. The
 * history does not say which way a push came, so the allowance covers every way.
 */
import { describe, expect, it } from 'vitest';
import { checkLogouts } from './checker';
import { History } from './history';
import { CHANNEL_LAG_MAX } from './ports';

/** Alice's p1 and p2 in session S of b1, appended at 10 and 12; b1 logs out at 15. */
function loggedOut(lagging: boolean): History {
  const history = new History();
  if (lagging) history.channelLag.set('b1', CHANNEL_LAG_MAX);
  history.sessionBrowser.set('S', 'b1');
  history.sessionFirstSeen.set('S', 0);
  for (const [id, at] of [
    [1, 10],
    [2, 12],
  ] as const) {
    history.pushes.set(id, {
      id,
      user: 'alice',
      topic: 'a',
      at,
      streams: new Map([['S', id]]),
      appendedAt: new Map([['b1', at]]),
    });
  }
  history.logouts.push({ browser: 'b1', user: 'alice', login: 1, at: 15 });
  // A tab of b1 opened before the logout hears p2 of S 25 ms after it resolved: as the
  // tab of the owning hub would, through its own socket (no channel on the way), when
  // that hub resumes the ended session S after the logout and the server replays p2 (the
  // race reviews 6 and 7 found: a hub of the ended login takes the socket on S).
  history.handles.set(1, {
    id: 1,
    lineage: 'h1',
    browser: 'b1',
    user: 'alice',
    login: 1,
    interest: 'all',
    openedAt: 0,
    events: [
      { at: 11, kind: 'frame', push: 1, session: 'S' },
      { at: 40, kind: 'frame', push: 2, session: 'S' },
    ],
    pageAlive: () => true,
  });
  return history;
}

describe('the channel-lag allowance of checkLogouts', () => {
  it('finds the push after logout in a browser whose channels do not lag', () => {
    expect(checkLogouts(loggedOut(false)).map((violation) => violation.invariant)).toEqual([
      'push after logout',
    ]);
  });

  // Invariant: after close() resolves, no push of the old session reaches any handle
  // (docs/design.md "Delivery guarantees"). Severity: medium, a blind spot of the net, not
  // a bug of the library: in the seed set's channel-lag runs (sim.test.ts), any push of the
  // old session that a tab hears within 30 ms of the logout passes, whichever way it came:
  // from a socket that resumed the ended session after the logout (a replay), or from an
  // owner's own socket to its own tabs (worker/share/logout-wait-new-login.test.ts), which
  // no channel delays. What I saw: no violation for the history above when b1 lags. The
  // allowance is only sound for a push the owner posted on the channel before the logout
  // resolved; the history would need to record that (a relayed frame's post time). NEW
  // (the allowance came with bec8a5c). Fixed: the recorder keeps when each push was relayed
  // on a lagging channel (`History.relayedAt`), and only such a push is allowed.
  it('finds it too where the channels lag, when no channel carried it', () => {
    expect(checkLogouts(loggedOut(true)).map((violation) => violation.invariant)).toEqual([
      'push after logout',
    ]);
  });

  it('allows a push an owner relayed before the logout, heard within the lag of it', () => {
    const history = loggedOut(true);
    history.relayedAt.set('b1', new Map([[2, [15]]]));
    expect(checkLogouts(history)).toEqual([]);
  });
});
