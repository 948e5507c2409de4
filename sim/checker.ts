/**
 * Reads a run's whole history against the invariants of "Delivery guarantees" (docs/design.md). Each
 * function answers the violations of one invariant; `check` all of them.
 */
import type {
  HandleEvent,
  HandleRecord,
  History,
  LogoutRecord,
  PushRecord,
  Violation,
} from './history';

export interface CheckOptions {
  /**
   * How a send rejected with WorkerError counts: 'unknown' (written or not, either is
   * allowed: what main promises today) or 'rejected' (it must not have been written: the
   * re-post of issue 19 makes a rejection mean "not delivered").
   */
  workerErrorSends: 'unknown' | 'rejected';
  /** How long two sockets of one browser may overlap (a handover), in ms, as each end sees them. */
  handoverOverlap: { browser: number; server: number };
  /** Invariants not to report (to look past a known bug for the next one). */
  ignore?: readonly string[];
}

export const DEFAULT_CHECK: CheckOptions = {
  workerErrorSends: 'rejected',
  handoverOverlap: { browser: 0, server: 100 },
};

export function check(history: History, options: CheckOptions = DEFAULT_CHECK): Violation[] {
  return [
    ...history.live,
    ...checkDelivery(history),
    ...checkSends(history, options),
    ...checkSockets(history, options),
    ...checkLogouts(history),
    ...checkResyncs(history),
  ];
}

/** The handles of one lineage (a handle, and the one that takes over from it on each reload). */
function lineages(history: History): Map<string, HandleRecord[]> {
  const byLineage = new Map<string, HandleRecord[]>();
  for (const handle of history.handles.values()) {
    const list = byLineage.get(handle.lineage) ?? [];
    list.push(handle);
    byLineage.set(handle.lineage, list);
  }
  return byLineage;
}

function wants(handle: HandleRecord, push: PushRecord): boolean {
  return push.user === handle.user && (handle.interest === 'all' || handle.interest === push.topic);
}

/**
 * Each push of a stream reaches every handle that wants it exactly once and in order, or a
 * `resync` comes before the first gap. A gap: between two pushes a lineage heard with no
 * `resync` between them, a push it wants that went into a session stream of its browser
 * in that stretch, and that it never heard. A logout (the handle `closed`, reason `logout`)
 * ends the stretch as a `resync` does: the app was told that login ended.
 */
export function checkDelivery(history: History): Violation[] {
  const violations: Violation[] = [];
  for (const [lineage, handles] of lineages(history)) {
    const events: HandleEvent[] = handles.flatMap((handle) => handle.events);
    const [first] = handles;
    if (!first) continue;
    const heard = new Set<number>();
    let previous: number | undefined;
    /** Since a resync, the stream starts again: what went into it after the resync is wanted. */
    let resyncAt: number | undefined;
    let previousSession: string | undefined;
    for (const event of events) {
      if (event.kind === 'resync') {
        previous = undefined;
        resyncAt = event.at;
        continue;
      }
      // A logout ends the login: a handle that comes back when a page connects again is
      // one of the next login, whose stream owes it nothing of the one that ended.
      if (event.kind === 'state' && event.reason === 'logout') {
        previous = undefined;
        resyncAt = undefined;
        continue;
      }
      if (event.kind !== 'frame') continue;
      const push = history.pushes.get(event.push);
      if (!push) continue;
      if (!wants(first, push)) {
        violations.push({
          invariant: 'foreign push',
          detail: `${lineage} (user ${first.user}, ${first.interest}) heard p${push.id} for ${push.user}/${push.topic} at ${event.at}`,
        });
      }
      if (heard.has(push.id)) {
        violations.push({
          invariant: 'duplicate',
          detail: `${lineage} heard p${push.id} twice (at ${event.at})`,
        });
        continue;
      }
      if (previous !== undefined && push.id < previous) {
        violations.push({
          invariant: 'order',
          detail: `${lineage} heard p${push.id} after p${previous} (at ${event.at})`,
        });
      }
      heard.add(push.id);
      if (previous !== undefined) {
        const streams = new Set([previousSession, event.session]);
        const missed = missedBetween(history, first, previous, push.id, heard, streams);
        if (missed.length > 0) {
          violations.push({
            invariant: 'gap without resync',
            detail: `${lineage} heard p${previous} then p${push.id} (at ${event.at}) without p${missed.join(', p')} and no resync`,
          });
        }
      } else if (resyncAt !== undefined) {
        const since = resyncAt;
        const streams = new Set([event.session]);
        const missed = missedBetween(history, first, 0, push.id, heard, streams).filter(
          (id) => (history.pushes.get(id)?.appendedAt.get(first.browser) ?? 0) > since,
        );
        if (missed.length > 0) {
          violations.push({
            invariant: 'gap after resync',
            detail: `${lineage} had a resync at ${since}, then heard p${push.id} (at ${event.at}) without p${missed.join(', p')}, pushed after it`,
          });
        }
      }
      resyncAt = undefined;
      previous = push.id;
      previousSession = event.session;
    }
  }
  return violations;
}

/**
 * The pushes `handle` wants with ids between `from` and `to` that it did not hear, among
 * those that went into `streams` (the sessions its browser followed as it heard the pushes
 * on either side).
 */
function missedBetween(
  history: History,
  handle: HandleRecord,
  from: number,
  to: number,
  heard: Set<number>,
  streams: ReadonlySet<string | undefined>,
): number[] {
  const missed: number[] = [];
  for (let id = from + 1; id < to; id += 1) {
    const push = history.pushes.get(id);
    if (!push || heard.has(id) || !wants(handle, push)) continue;
    if ([...push.streams.keys()].some((session) => streams.has(session))) missed.push(id);
  }
  return missed;
}

/**
 * Each send() settles once: resolved means the server's app got it, rejected that it never
 * did; none is written twice; a live page's send settles by the end. Twice is allowed only
 * across a loss of the server's sessions: the dedupe went with them (docs/design.md, Delivery
 * guarantees), so each receipt after the first needs one since the receipt before it.
 */
export function checkSends(history: History, options: CheckOptions): Violation[] {
  const violations: Violation[] = [];
  for (const send of history.sends.values()) {
    const got = send.received.length;
    const name = `s${send.id} (${send.browser}, h${send.handle}, at ${send.at})`;
    const again = send.received.filter(
      (receipt, index) =>
        index > 0 && receipt.stateLosses === send.received[index - 1]?.stateLosses,
    );
    if (again.length > 0)
      violations.push({
        invariant: 'send written twice',
        detail: `${name} reached the app ${got} times, at ${send.received.map(({ at }) => at).join(', ')}; the server lost its sessions ${lossesOf(history)}`,
      });
    const outcome = send.outcome;
    if (!outcome) {
      if (send.pageAlive()) violations.push({ invariant: 'send never settled', detail: name });
      continue;
    }
    if (outcome.ok && got === 0) {
      violations.push({
        invariant: 'resolved send lost',
        detail: `${name} resolved at ${outcome.at}, never reached the app`,
      });
    }
    const strictReject =
      outcome.error !== UNCONFIRMED &&
      (outcome.error !== 'WorkerError' || options.workerErrorSends === 'rejected');
    if (!outcome.ok && strictReject && got > 0) {
      violations.push({
        invariant: 'rejected send written',
        detail: `${name} rejected (${outcome.error}) at ${outcome.at}, yet reached the app at ${send.received[0]?.at}`,
      });
    }
  }
  return violations;
}

function lossesOf(history: History): string {
  const losses = history.stateLosses.map(({ at, cause }) => `${at} (${cause})`);
  return losses.length > 0 ? `at ${losses.join(', ')}` : 'never';
}

/**
 * The one rejection that says so when the server may have the message: written, and the
 * connection closed (a logout's wait for its ack ran out, or a new login cut it short)
 * before the ack came (docs/api.md, Errors).
 */
const UNCONFIRMED = 'TS_ERR_UNCONFIRMED';

/**
 * At most one socket per browser (one connection name here): as the browser sees them,
 * never two at once; as the server sees them, two only for a handover's overlap (a dead
 * worker's reset reaches the server a latency after its successor may have connected).
 */
export function checkSockets(history: History, options: CheckOptions): Violation[] {
  const violations: Violation[] = [];
  const counts = [
    ['browser', history.browserSockets, options.handoverOverlap.browser],
    ['server', history.serverSockets, options.handoverOverlap.server],
  ] as const;
  for (const [side, count, bound] of counts) {
    if (count.maxOverlap > bound) {
      violations.push({
        invariant: 'two sockets',
        detail: `a browser had two sockets open (as the ${side} sees them) for ${count.maxOverlap} ms (bound ${bound})`,
      });
    }
  }
  return violations;
}

/**
 * After close() resolves: no push of the old login reaches any handle of that browser, one
 * of a later login included (review 18: opened after the logout, it may hear a push made
 * while logged out through the old session). One an owner relayed before may: on a lagging
 * channel (`ChannelBus`) it is on its way to the other hubs for up to the lag. Only that
 * one: a push the browser heard by any other way counts (review 8).
 */
export function checkLogouts(history: History): Violation[] {
  const violations: Violation[] = [];
  for (const logout of history.logouts) {
    const inFlight = history.channelLag.get(logout.browser) ?? 0;
    const ended = loginEnded(history, logout);
    for (const handle of history.handles.values()) {
      if (handle.browser !== logout.browser) continue;
      for (const event of handle.events) {
        if (event.kind !== 'frame' || event.at <= logout.at) continue;
        const push = history.pushes.get(event.push);
        if (!push || push.user !== logout.user) continue;
        // Relayed before the logout, and heard within the lag of that post.
        const posts = history.relayedAt.get(logout.browser)?.get(push.id) ?? [];
        if (posts.some((at) => at <= logout.at && event.at - at <= inFlight)) continue;
        // Heard through a session this browser started after the login ended: a new login's.
        const fresh = [...push.streams.keys()].some(
          (session) =>
            history.sessionBrowser.get(session) === logout.browser &&
            (history.sessionFirstSeen.get(session) ?? 0) > ended,
        );
        if (!fresh) {
          violations.push({
            invariant: 'push after logout',
            detail: `h${handle.id} (${handle.lineage}) heard p${push.id} at ${event.at}, after ${logout.browser} logged ${logout.user} out at ${logout.at}`,
          });
        }
      }
    }
  }
  return violations;
}

/**
 * When the login that `logout` ended was over: the first of its logouts to resolve. Another
 * tab's close() of it may resolve later (on a lagging channel, after the next login began:
 * review 19); a session begun in between is not of the login that ended.
 */
function loginEnded(history: History, logout: LogoutRecord): number {
  let ended = logout.at;
  for (const other of history.logouts) {
    if (other.browser === logout.browser && other.login === logout.login)
      ended = Math.min(ended, other.at);
  }
  return ended;
}

/**
 * Whether the browser of `logout` logged in again since: a handle of a later login, opened
 * by now, or any opened after close() resolved (the app's, to log out again). Then its
 * sockets may be that login's, which a logout resolved late on a lagging channel, after the
 * next login began, does not count (review 18g's search).
 */
export function loggedInSince(history: History, logout: LogoutRecord): boolean {
  return [...history.handles.values()].some(
    (handle) =>
      handle.browser === logout.browser &&
      (handle.login > logout.login || handle.openedAt >= logout.at),
  );
}

/**
 * A hub decides on a fresh session (and tells its tabs) before its socket's `resume` shows
 * it on the wire: within one connect attempt (the pages connect with `connectTimeout` 3 s).
 */
const SWITCH_ON_WIRE_WITHIN = 5_000;

/**
 * A `resync` tells the app it missed pushes: it is owed when the lineage did miss one it
 * wants (pushed before the resync and never heard: lost by a store, a restart, a log too
 * short), when the server said so, when the browser's sockets moved to another session
 * (a hub without a cursor took the socket: the tabs of the old one cannot know what they
 * missed of it), or after a worker death while no tab of the browser had
 * a numbered push yet, so there was nothing to resume from (docs/design.md, "When the
 * worker dies"). Any other is spurious: the app refetches for nothing. One loss asks for one
 * `resync`, not one per path that learnt of it.
 */
export function checkResyncs(history: History): Violation[] {
  const violations: Violation[] = [];
  for (const [lineage, handles] of lineages(history)) {
    const [first] = handles;
    if (!first) continue;
    const heard = new Set(
      handles.flatMap((handle) =>
        handle.events.flatMap((event) => (event.kind === 'frame' ? [event.push] : [])),
      ),
    );
    const told = history.serverResyncs.get(first.browser) ?? [];
    const switches = history.sessionSwitches.get(first.browser) ?? [];
    let since = first.openedAt;
    let lostUnnumbered = false;
    for (const event of handles.flatMap((handle) => handle.events)) {
      if (event.kind === 'state' && event.reason === 'worker-lost') {
        lostUnnumbered = !hadPushes(history, first.browser, event.at);
      }
      if (event.kind !== 'resync') continue;
      const explained =
        lostUnnumbered ||
        told.some((at) => at >= since && at <= event.at) ||
        (since === first.openedAt && joinedLostSession(first, told, event.at)) ||
        switches.some((at) => at >= since && at <= event.at + SWITCH_ON_WIRE_WITHIN) ||
        missedBefore(history, first, heard, since, event.at);
      if (!explained) {
        violations.push({
          invariant: 'spurious resync',
          detail: `${lineage} (${first.interest}) got resync at ${event.at}: it missed nothing, and the server said none to ${first.browser} since ${since}`,
        });
      }
      since = event.at;
      lostUnnumbered = false;
    }
  }
  return violations;
}

/**
 * A handle on a topic that opened while the server's `resync` of a session it lost (told
 * within a connect attempt before) was on its way owes it: the new session has no topics
 * until the worker's `sub`, written on that answer, so a `publish` to the handle's topic
 * made meanwhile reached no one (the simulation publishes none; an app may). A handle
 * on every frame lost nothing of its own: its hub tells it the `resync` as `past`. Only a
 * `resync` that comes within as long after the open (`at`): a later one is another's.
 */
function joinedLostSession(handle: HandleRecord, told: readonly number[], at: number): boolean {
  const since = handle.openedAt;
  return (
    handle.interest !== 'all' &&
    at <= since + SWITCH_ON_WIRE_WITHIN &&
    told.some((at) => at <= since && at >= since - SWITCH_ON_WIRE_WITHIN)
  );
}

/** Whether the lineage of `handle` never heard a push it wants made between `from` and `to`. */
function missedBefore(
  history: History,
  handle: HandleRecord,
  heard: ReadonlySet<number>,
  from: number,
  to: number,
): boolean {
  for (const push of history.pushes.values()) {
    if (push.at >= from && push.at <= to && wants(handle, push) && !heard.has(push.id)) return true;
  }
  return false;
}

/**
 * Whether a tab of `browser` had heard a numbered push of its login by `at`: then the
 * session has pushes its tabs know of, and a fresh worker resumes it (a tab on a narrow
 * topic included, whose own cursor lags only by pushes it does not want: issue 19, item 3).
 * A session with none yet looks to the tabs as a plain server's would (docs/design.md, "When
 * the worker dies"): they are told `resync`.
 */
function hadPushes(history: History, browser: string, at: number): boolean {
  // A logout ends the session: the login after it starts one with no push.
  const loginFrom = Math.max(
    Number.NEGATIVE_INFINITY,
    ...history.logouts
      .filter((logout) => logout.browser === browser && logout.at <= at)
      .map((logout) => logout.at),
  );
  for (const handle of history.handles.values()) {
    if (handle.browser !== browser) continue;
    const heard = (event: HandleEvent) =>
      event.kind === 'frame' && event.at <= at && event.at > loginFrom;
    if (handle.events.some(heard)) return true;
  }
  return false;
}
