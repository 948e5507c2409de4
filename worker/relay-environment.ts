import type { Environment } from './environment';
import type { ScheduleTask } from './frame-batcher';
import type { LockWaiter } from './registry';
import type { RelayChannel } from './relay-peer';

/** A BroadcastChannel as the hub uses it. */
export interface RelayChannelPort extends RelayChannel {
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}

/** What a hub's connections need to share their sockets with the other hubs of the browser. */
export interface RelayEnvironment extends Environment {
  /** This hub's id: it holds `hubLockName(hubId)` for its whole life. */
  hubId: string;
  /** What this hub's build is called to the other hubs: its script's URL. */
  build: string;
  /** Web Locks; without them this hub owns its sockets alone, as before the relay. */
  locks: LockWaiter | undefined;
  /** Opens a BroadcastChannel; undefined where there is none (then, again, no relay). */
  openChannel: ((name: string) => RelayChannelPort) | undefined;
  schedule: ScheduleTask;
}
