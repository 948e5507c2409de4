import type { Clock } from '../../protocol/clock';
import type { RelayMessage } from '../../protocol/relay';
import type { SessionCursor } from '../../protocol/tab-hub';
import { EndedSessions } from './ended-sessions';
import { LogoutWaits } from './logout-waits';

/** A logout's close code and reason: what a hub that hears of it late closes with. */
export type Logout = { code: number; closeReason: string };

/** An owner's word that its tab logged out: its login closed for every hub. */
export type LogoutWord = Extract<RelayMessage, { kind: 'state' }>;

/** A login of this hub as an owner's `leaving` may name it: the cursor its tabs alone brought. */
export interface LoginHere {
  cursor: SessionCursor | undefined;
  login: number | undefined;
}

/** Whether `message` is an owner's logout word. */
export function isLogout(message: RelayMessage): message is LogoutWord {
  return (
    message.kind === 'state' &&
    message.status.state === 'closed' &&
    message.detail.reason === 'logout'
  );
}

/**
 * What a hub knows of the logins that ended in its browser: the logout it keeps the lock
 * (or its place in the lock's queue) for, the sessions logouts ended, whether its current
 * login began after a logout, and the waits of the logouts it relayed. `SharedConnection`
 * acts on it, in whatever role the hub is.
 */
export class LoginEnds {
  /**
   * The sessions this hub's logouts ended, or that other hubs told it ended: a hub whose
   * worker died before one rejoins with its cursor, which a new login must not resume
   * (`WireLink.learn`).
   */
  readonly sessions: EndedSessions;
  /**
   * Until the owner said it closed the login this hub's tab logged out of while relaying,
   * whatever this hub does meanwhile (a new login, making way for another's).
   */
  readonly waits: LogoutWaits;
  #logout: Logout | undefined;
  /**
   * Whether this hub's login began after a logout in this browser: its own (it kept the
   * lock, or its place, since), or one whose owner left the lock with `loggedOut` not
   * naming this login. No session began since, but this login's (`OwnerMessage` owner's
   * `afterLogout`): when that logout was made, if it was this hub's, else `true`; `false`:
   * not known to begin after one.
   */
  #began: number | boolean = false;
  /** When the logout this hub kept the lock (or its place) for last was made. */
  #at = 0;
  /**
   * Until when a login of this hub that starts begins after this hub's own logout: for good
   * while it keeps the lock (or its place) for it; `waitFor` ms once it let go for a reloaded
   * page's join; else no longer (`letGo`).
   */
  #claimUntil = 0;

  constructor(
    private readonly clock: Clock,
    private readonly waitFor: number,
  ) {
    this.sessions = new EndedSessions(clock);
    this.waits = new LogoutWaits(clock, waitFor);
  }

  /** The logout that ended the login this hub keeps the lock (or its place) for. */
  get logout(): Logout | undefined {
    return this.#logout;
  }

  /** This hub keeps the lock (or its place) for the login `logout` ended. */
  keep(logout: Logout): void {
    this.#logout = logout;
    this.#at = this.clock.now();
    this.#claimUntil = Number.POSITIVE_INFINITY;
  }

  /**
   * This hub lets go of the lock (or its place): answers whether it kept it for a logout.
   * For a join whose cursor (`ended`) the logout ended, a page's reloaded in its instant,
   * which the next owner leaves, this hub's login that starts within `waitFor` ms still
   * begins after the logout (review 17). Not for any other join: that login may take the
   * lock and begin a session first (review 20b); nor once this hub's tabs closed.
   */
  letGo(ended?: string): boolean {
    const kept = this.#logout !== undefined;
    this.#logout = undefined;
    const reloaded = kept && ended !== undefined && this.sessions.has(ended);
    this.#claimUntil = reloaded ? this.clock.now() + this.waitFor : 0;
    return kept;
  }

  /** A new login starts here: after this hub's logout while `#claimUntil` says so. */
  startLogin(): void {
    this.#began = this.clock.now() < this.#claimUntil && (this.#at || true);
  }

  /**
   * This login follows an owner whose login began after a logout (its answer says
   * `afterLogout`, when that logout was made or `true`): so did this one, which goes on with
   * that owner's session should it take the lock; a rejoin's cursor of another session is of
   * the login that ended.
   */
  followsAfterLogout(at: number | true): void {
    this.#began = at;
  }

  get afterLogout(): number | boolean {
    return this.#began;
  }

  /**
   * An owner let go of the lock, naming a session that ended (`ended`), or saying it kept
   * the lock since its logout (`loggedOut`): then a login of this hub (`here`) that had not
   * joined the one logged out began after it, and the cursor its tabs alone brought is of a
   * login that ended (a page reloaded in the instant of the logout, seed 4102), as are the
   * sessions the logout ended (its own and its peers'). Answers the sessions that ended,
   * recorded. A login that had joined ends on the owner's logout word, which came first.
   */
  heardLeaving(
    { ended, loggedOut }: Extract<RelayMessage, { kind: 'leaving' }>,
    here: LoginHere | undefined,
    hubId: string,
  ): string[] {
    const joinedEnded = loggedOut?.logins.some(
      ({ hub, login }) => hub === hubId && login === here?.login,
    );
    if (loggedOut && !joinedEnded && here) this.#began = true;
    const after = loggedOut && !joinedEnded ? [here?.cursor?.session, ...loggedOut.sessions] : [];
    const sessions = [ended, ...after].filter(
      (session): session is string => session !== undefined,
    );
    for (const session of sessions) this.sessions.add(session, false);
    return sessions;
  }

  /**
   * Whether an owner's logout `word`, heard on a login's channel, ends that login, now on
   * `current`: it comes from the owner the login `followed` (or took the socket over from),
   * or names a session the login was `on`. Not a word of an owner the login never heard of,
   * about a session it never was on: a login that began after the logout hears that too,
   * when the word is still on its way (review 8). Nor the echo of this hub's own logout,
   * heard by its next login (seed 3071): a session that logout ended, not `current`.
   */
  endsLogin(
    { session, from }: LogoutWord,
    followed: string | undefined,
    on: readonly (string | undefined)[],
    current: string | undefined,
  ): boolean {
    const echo = session !== undefined && this.sessions.endedHere(session) && session !== current;
    if (echo) return false;
    return (
      (followed !== undefined && followed === from) ||
      (session !== undefined && on.includes(session))
    );
  }
}
