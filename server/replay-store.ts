/**
 * Where sessions' push streams are kept for replay. Like `PresenceStore`, an interface, so
 * that a store shared by several server processes can replace the in-memory default
 * without touching callers. Calls for one session must apply in the order they are made:
 * `append` numbers pushes, and a reordered store would renumber them.
 */
export interface ReplayStore {
  /** Numbers the session's next push (1, 2, 3…); `frame(seq)` builds it. Answers both. */
  append(session: string, frame: (seq: number) => string): { seq: number; frame: string };
  /** The frames after push `last`, oldest first; undefined when some are no longer kept. */
  since(session: string, last: number): string[] | undefined;
  /** The session's last push number; 0 for a session without any. */
  head(session: string): number;
  /** Forgets the session (it expired). */
  drop(session: string): void;
}
