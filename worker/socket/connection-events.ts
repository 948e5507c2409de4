import type { TabSocketError } from '../../protocol/errors';
import type { OwnerStatus } from '../../protocol/relay';
import type { StateDetail } from '../../protocol/state';
import type { SessionCursor, TabFrame } from '../../protocol/tab-hub';

export type ResyncReach = 'owed' | 'past';

/**
 * Everything a hub's tabs hear of one connection, told by whichever role this hub has: as
 * the owner, its `Connection` (and the `WireLink` in it) and the `RelayOwner` of its peers;
 * as a peer, the `RelayPeer` that mirrors the owner. One sink (`HeardStream`) takes them
 * all, so an event is defined here once and reaches the tabs (and the peers) from there.
 */
export interface ConnectionEvents {
  /** The status changed; `detail.from` is the state the tabs saw last. */
  state(status: OwnerStatus, detail: StateDetail): void;
  /** `session`: the one the frame belongs to, where the sink may not have been told it. */
  frame(frame: TabFrame, session?: string): void;
  error(error: TabSocketError): void;
  /**
   * Pushes were lost beyond recovery: the tabs should fetch the state afresh. `owed`: the
   * owner's catch-up of this hub's join, for the tabs that opened while it joined (`HeardStream.owe`);
   * `past`: only pushes made before the socket opened (a tab's `resync` event says so).
   * `heardTo`, of an `owed` one: when the owner last heard the stream go on (`RelayOwner`).
   */
  resync(reach?: ResyncReach, heardTo?: number): void;
  /**
   * The cursor moved otherwise than by a push (whose frame carries its number): a new
   * session, message ids taken, or a resume of the session written (it is no longer
   * `fresh`). A new session is told before any of its pushes. `past`: the stream went on
   * past a gap to it (a `resync` before): the pushes kept are from before that gap.
   */
  cursor(cursor: SessionCursor, past?: true): void;
  /** The builds of the hubs on the connection, as the owner counts them. */
  builds(builds: string[]): void;
}
