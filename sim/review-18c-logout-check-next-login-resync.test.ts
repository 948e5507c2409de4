/**
 * Review 18c of 1435c4a (`checkLogouts` checks every handle of the browser, a later login's
 * too). The recorder dates a session the server starts in a `resync` answer from the one
 * resumed, when that one is of the same login name and no `end` ended it ("as old as the
 * login it continues"). With a server that names no logins (`Plan.logins` false), a next
 * login's worker that resumes the logged-out session (a logout written on no socket: no
 * `end`; the next login's cursor from a reloaded page, seed 4102's way) and is answered
 * `resync` onto S2 (the server lost S1) makes S2 as old as S1: every push of S2, made
 * after the next login began, heard by its handles, is reported as a push after logout.
 * Driven here through the Recorder with the frames a run would show.
 */
import { describe, expect, it } from 'vitest';
import { checkLogouts } from './checker';
import { History } from './history';
import type { SocketPair } from './network';
import { Recorder } from './recorder';
import type { Scheduler } from './scheduler';

function pair(id: number): SocketPair {
  const counted = { browser: 'no', server: 'no' };
  return { id, browser: 'b1', url: 'ws://sim/?user=alice', counted } as unknown as SocketPair;
}

describe('the logout check, a next login answered resync onto a new session', () => {
  // Invariant: the checker's, "no push of a logged-out session reaches any handle after
  // logout" (sim/README.md): a report for a push of a session the server began for the
  // next login is false. Severity: low (a false `push after logout` in searches with
  // `logout` and `server-restart`, whose plans would be taken for seed 4102's open finding).
  // What I saw: p1, made at 20 into S2 only (S2 begun at 14 by the server for the next
  // login's resume), heard at 21 by h1 (opened at 12, after the logout at 10): reported
  // "h1 (h1) heard p1 at 21, after b1 logged alice out at 10". NEW with 1435c4a (before, a
  // handle opened after the logout was not checked: with checker.ts of 1435c4a~1 this
  // passes, checked). Not found by a search: reasoned from recorder.ts `serverSent`. In a
  // run it needs a next login that resumes the logged-out session, today only the open
  // lagging form of seed 4102 (sim/seed-4102-other-schedules.test.ts), and a server that
  // lost it (server-restart): there the resync onto S2 hides that finding's real push after
  // logout behind a false one, or reports one where nothing of the old login leaked.
  // Fixed: a session resumed after a logout of its login gives the server's new one no age (recorder.ts).
  it('does not report a push of the session the server began for the next login', () => {
    // The next login's worker resumes S1 at 13; the server lost it, and answers resync onto S2.
    const history = historyOf({ resumeAt: 13, answer: { at: 14, session: 'S2' } });
    expect(checkLogouts(history)).toEqual([]);
  });

  // What the check exists for, kept: the logged-out session's own push (seed 4102's open
  // finding, when the server still has S1), and a session the server began for a resume the
  // logged-out login wrote before its logout (answered after it: the old login's).
  it('reports a push of the logged-out session that the next login resumed', () => {
    const history = historyOf({ resumeAt: 13, pushInto: 'S1' });
    expect(checkLogouts(history).map(({ invariant }) => invariant)).toEqual(['push after logout']);
  });

  it('reports a push of the session begun for a resume written before the logout', () => {
    const history = historyOf({ resumeAt: 9, answer: { at: 11, session: 'S2' } });
    expect(checkLogouts(history).map(({ invariant }) => invariant)).toEqual(['push after logout']);
  });
});

/**
 * alice's socket resumes S1 at 1 and she logs out at 10 while it is down (no `end` is
 * written); a socket resumes S1 again at `resumeAt`, answered `resync` onto a new session
 * when `answer` says so; p1, made at 20, goes into the session the browser follows then
 * (or `pushInto`), and h1, opened at 12 (after the logout), hears it at 21.
 */
function historyOf(story: {
  resumeAt: number;
  answer?: { at: number; session: string };
  pushInto?: string;
}): History {
  const history = new History();
  const sim = { now: 0 } as unknown as Scheduler;
  const recorder = new Recorder(sim, history);
  sim.now = 1;
  recorder.browserSent(pair(1), JSON.stringify({ $ts: 'resume', nonce: 'n', session: 'S1' }));
  history.logouts.push({ browser: 'b1', user: 'alice', login: 1, at: 10 });
  sim.now = story.resumeAt;
  const next = pair(2);
  recorder.browserSent(next, JSON.stringify({ $ts: 'resume', nonce: 'm', session: 'S1' }));
  if (story.answer) {
    sim.now = story.answer.at;
    recorder.serverSent(
      next,
      JSON.stringify({ $ts: 'resync', nonce: 'm', session: story.answer.session }),
    );
  }
  const session = story.pushInto ?? history.currentSession.get('b1') ?? 'S1';
  history.pushes.set(1, {
    id: 1,
    user: 'alice',
    topic: 'a',
    at: 20,
    streams: new Map([[session, 1]]),
    appendedAt: new Map([['b1', 20]]),
  });
  history.handles.set(1, {
    id: 1,
    lineage: 'h1',
    browser: 'b1',
    user: 'alice',
    login: 2,
    interest: 'all',
    openedAt: 12,
    events: [{ at: 21, kind: 'frame', push: 1, session }],
    pageAlive: () => true,
  });
  return history;
}
