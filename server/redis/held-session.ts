import { type Anchor, type Interest, interestsFrom } from './session-numbering';

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
  /** A change of interest on its way to Redis: the session's pushes are written after it. */
  persisting: Promise<boolean> | undefined;
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
    this.ready = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  fail(): void {
    this.phase = 'failed';
    this.#settle(false);
  }

  /** Counted up to fan-out `made`: `head`, the worker having every push up to `from`. */
  goLive(head: number, made: number, from: Anchor | undefined, interests: Interest[]): void {
    this.head = head;
    this.cur = { head, mark: made };
    this.prev = from ?? this.cur;
    this.interests = interestsFrom(interests, this.prev.mark);
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
    this.prev = this.cur;
    this.cur = { head: this.head, mark: made };
    this.interests = interestsFrom(this.interests, this.prev.mark);
    return true;
  }

  /** Whether `user` and `topics` differ from the interest now: then they are from `since` on. */
  changeInterest(since: number, user: string, topics: readonly string[]): boolean {
    const current = this.interests.at(-1);
    if (current?.user === user && sameTopics(current.topics, topics)) return false;
    this.interests = [...this.interests, { since, user, topics }];
    return true;
  }

  /** CHECKPOINT's arguments for this session. */
  checkpointArgs(withInterests: boolean): string[] {
    const args = [this.cur.head, this.cur.mark, this.prev.head, this.prev.mark].map(String);
    args.push(withInterests ? JSON.stringify(this.interests) : '');
    return args;
  }
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((topic) => b.includes(topic));
}
