import { type Anchor, type Interest, interestsFrom, withInterest } from './session-numbering';

/**
 * Interests a session keeps, in memory and in Redis: past it, its anchors move on, so that
 * a client changing its topics without end costs at most this many topic sets.
 */
const MAX_INTERESTS = 8;

/**
 * How far this server numbered a session it holds (see session-numbering.ts): its head, the
 * anchors and interests it wrote to Redis, and what waits for a read or a write.
 */
export class HeldSession {
  /**
   * Live once a resume read it: its pushes are counted here. Until then, and while a resume
   * reads it again, that read counts its fan-outs; after a read failed, none is counted.
   * Lost when Redis could not keep its interests: what it counted may differ from what any
   * server would count from Redis, so it ends (its worker resumes and reads it again).
   */
  phase: 'reading' | 'live' | 'failed' | 'lost' = 'reading';
  /**
   * Resumes that began reading it: an answer that it is not held here, asked before the
   * last of them, is older than the ownership that read takes.
   */
  reads = 0;
  head = 0;
  cur: Anchor = { head: 0, mark: 0 };
  prev: Anchor = this.cur;
  interests: Interest[] = [];
  /**
   * The last fan-out Redis had numbered when the read that made it live ran: a logout's end
   * numbered above it ended the session read (see `RedisReplayStore.ended`).
   */
  readAt = 0;
  /** The last end of it heard while a resume reads it; 0 for none. */
  endedAt = 0;
  /** Its name by user and id in Redis, a login's session's (see `ReplayStore.keyOfLogin`). */
  name: string | undefined;
  /**
   * A `last` below this is owed a resync by the next read here: a push not kept (no bound),
   * or the hole whose write failed; 0 for none (see `RedisReplayStore.#owe`).
   */
  owedBelow = 0;
  /** A change of interest on its way to Redis: the session's pushes are written after it. */
  persisting: Promise<boolean> | undefined;
  /** Changes of interest while not live: the read that makes it live counts by them. */
  #changes: readonly Interest[] = [];
  /** Settles true once live, false when the read failed: direct pushes wait for it. */
  ready!: Promise<boolean>;
  #settle!: (live: boolean) => void;

  constructor() {
    this.startReading();
  }

  /** A resume reads the session. */
  startReading(): void {
    this.phase = 'reading';
    this.reads += 1;
    this.endedAt = 0;
    this.ready = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  fail(): void {
    this.phase = 'failed';
    this.#settle(false);
  }

  /**
   * Counted up to fan-out `made`: `head`, the worker having every push up to `from`; read when
   * Redis had numbered fan-outs up to `readAt`.
   */
  goLive(
    head: number,
    made: number,
    from: Anchor | undefined,
    interests: readonly Interest[],
    readAt: number,
  ): void {
    this.head = head;
    this.readAt = readAt;
    this.cur = { head, mark: made };
    this.prev = from ?? this.cur;
    this.interests = interestsFrom(interests, this.prev.mark);
    this.#bound(made);
    this.phase = 'live';
    this.#settle(true);
  }

  /**
   * Whether the anchors moved on: once the newer is `marks` fan-outs or `heads` pushes
   * behind, half of what can be counted from, the older one is about to leave it. The older
   * one stays far enough back for a worker that missed the last pushes before its socket died.
   */
  moveAnchors(made: number, marks: number, heads: number): boolean {
    if (this.phase !== 'live') return false;
    if (made - this.cur.mark < marks && this.head - this.cur.head < heads) return false;
    this.#moveOn(made);
    return true;
  }

  /** Whether `change` differs from the interest now: then it is from its fan-out on. */
  changeInterest(change: Interest): boolean {
    const changed = withInterest(this.interests, change);
    if (changed === this.interests) return false;
    this.interests = [...changed];
    this.#bound(change.since);
    return true;
  }

  /** A change of interest while not live: the server routes by it already. */
  noteChange(change: Interest): void {
    this.#changes = withInterest(this.#changes, change);
  }

  /** The changes noted while not live, in the order made, for a read to count by. */
  takeChanges(): readonly Interest[] {
    const changes = this.#changes;
    this.#changes = [];
    return changes;
  }

  /**
   * Past `MAX_INTERESTS`, the anchors move on (twice at most: then only the interest now is
   * needed). A worker further behind than the older anchor then resyncs.
   */
  #bound(made: number): void {
    while (this.interests.length > MAX_INTERESTS) this.#moveOn(made);
  }

  /**
   * The newer anchor becomes the older one, and the numbering now the newer. Its mark never
   * goes back: a read that numbered on from the worker's last put it past fan-outs this
   * server may not have made yet (they are counted in it).
   */
  #moveOn(made: number): void {
    this.prev = this.cur;
    this.cur = { head: this.head, mark: Math.max(made, this.cur.mark) };
    this.interests = interestsFrom(this.interests, this.prev.mark);
  }

  /** CHECKPOINT's arguments for this session. */
  checkpointArgs(withInterests: boolean): string[] {
    const args = [this.cur.head, this.cur.mark, this.prev.head, this.prev.mark].map(String);
    args.push(withInterests ? JSON.stringify(this.interests) : '');
    return args;
  }
}
