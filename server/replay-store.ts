/**
 * A push's payload, as it goes inside `{"$ts":"push","seq":N,…}`: built once per push, and
 * shared by every session it goes to, so a broadcast to 2,000 sessions keeps one copy.
 */
export interface PushPayload {
  /** `"data":…` or `"text":…`, from `encodePayload`. */
  readonly body: string;
  /** UTF-8 bytes of the whole push frame around `body`, the largest `seq` assumed. */
  readonly bytes: number;
}

/** One push of a session's stream. */
export interface PushEntry {
  readonly seq: number;
  readonly payload: PushPayload;
}

/**
 * Where sessions' push streams are kept for replay. Like `PresenceStore`, an interface, so
 * that a store shared by several server processes can replace the in-memory default
 * without touching callers. Calls for one session must apply in the order they are made:
 * `append` numbers pushes, and a reordered store would renumber them.
 */
export interface ReplayStore {
  /** Appends the session's next push (numbered 1, 2, 3…); answers its number. */
  append(session: string, payload: PushPayload): number;
  /**
   * The pushes after `last`, oldest first; undefined when some are no longer kept, or
   * `last` is beyond the stream's head.
   */
  since(session: string, last: number): PushEntry[] | undefined;
  /** The session's last push number; 0 for a session without any. */
  head(session: string): number;
  /** Forgets the session (it expired or was evicted). */
  drop(session: string): void;
}
