import { hubLockName } from '../../protocol/locks';
import type { AttachAnswer } from '../../protocol/tab-hub';
import type { LockWaiter } from '../platform';

/** The Web Lock a hub holds for its whole life, so that tabs and peers learn of its death. */
export interface HubLifetime {
  /** Resolves once the lock is held (to the answer tabs get), or could not be taken. */
  held: Promise<AttachAnswer>;
  /** Lets go of it: on dispose, so that the tabs move on to another hub. */
  release(): void;
}

/** Every hub of this build tells its tabs of their sends' writes (`written`) and of the opens it took (`opened`). */
const ABILITIES = { reportsWrites: true, tellsOpened: true } as const;

/** Takes `hubLockName(hubId)` and keeps it until `release` or death; never rejects. */
export function holdHubLifetime(locks: LockWaiter | undefined, hubId: string): HubLifetime {
  if (!locks) return { held: Promise.resolve(ABILITIES), release: () => {} };
  let release = (): void => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const held = new Promise<AttachAnswer>((answer) => {
    locks
      .request(hubLockName(hubId), {}, () => {
        answer({ hubId, workerId: hubId, ...ABILITIES });
        return released;
      })
      // No lock (a sandboxed or opaque origin): the tabs cannot watch this hub.
      .catch(() => answer(ABILITIES));
  });
  return { held, release };
}
