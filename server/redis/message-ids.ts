import type { Clock } from '../../protocol/clock';
import { attempts } from './attempts';
import { HeldClaims } from './held-claims';
import { NOT_KEPT, NOT_OWNED, PASSED, SEEN, SEEN_IF_KEPT } from './scripts';

/**
 * How long a resend waits for the claim that holds its id (see SEEN) before it takes the id
 * over and passes the message on: the claim's process is taken for dead then. Timed by the
 * waiting process alone, from the moment it first met that claim. Far above a round trip to
 * Redis and an app's handler: a message is passed twice only when the process that passed it
 * on could not tell Redis (PASSED) for this long.
 */
const CLAIM_HELD_FOR = 10_000;
/** How often a message id another claim holds is asked for again. */
const HELD_POLL = 100;

/**
 * The message ids a `RedisReplayStore`'s sessions passed on, in each session's dedupe
 * bitmap: taken for this process as its app gets the message (SEEN), let go once it has
 * (PASSED), so that a resend on another process waits for it, or takes the id over once this
 * one is taken for dead.
 */
export class MessageIds {
  readonly #held: HeldClaims;
  /** `seen` calls made: each one's claim in Redis. */
  #claims = 0;

  constructor(
    private readonly clock: Clock,
    /** The store's name in Redis (see `RedisReplayStore`). */
    private readonly owner: string,
    private readonly ttl: string,
    private readonly keys: (session: string) => [hash: string, stream: string, bits: string],
    private readonly run: (script: string, keys: string[], args: string[]) => Promise<unknown>,
    /** The session's name by user and id, where this store knows it (renewed with it: SEEN). */
    private readonly nameOf: (session: string) => string | undefined = () => undefined,
  ) {
    this.#held = new HeldClaims(clock, CLAIM_HELD_FOR);
  }

  /**
   * Takes message `id` of the session for this process (see SEEN): answers whether it was
   * passed on before; false until `passed`, a resend on another server waits for this
   * process, and takes the id over once this one is taken for dead. Made again, under the
   * same claim, when Redis does not answer: it may have run, and taken the id. Rejects when
   * this server no longer holds the session (see SEEN): it ends there, and its worker resumes.
   * A call that failed leaves its claim to the next call for the id here (`HeldClaims.retake`).
   */
  async seen(session: string, id: number, window: number): Promise<boolean> {
    const answer = await this.#seen(SEEN, session, id, window, this.owner);
    // The message's socket ends on it; the session itself may be resumed here again by now.
    if (answer === NOT_OWNED)
      throw new Error(`Redis no longer holds session ${session} for this server`);
    return answer === 1;
  }

  async seenIfKept(session: string, id: number, window: number): Promise<boolean | undefined> {
    const answer = await this.#seen(SEEN_IF_KEPT, session, id, window, '');
    return answer === NOT_KEPT ? undefined : answer === 1;
  }

  async #seen(
    script: string,
    session: string,
    id: number,
    window: number,
    owner: string,
  ): Promise<number> {
    const [hash, , bits] = this.keys(session);
    const name = this.nameOf(session);
    const keys = name ? [hash, bits, name] : [hash, bits];
    const key = `${session} ${id}`;
    let claim = this.#held.retake(key) ?? `${this.owner}:${++this.#claims}`;
    let holder: { claim: string; since: number } | undefined;
    for (;;) {
      const waited = holder && this.clock.now() - holder.since >= CLAIM_HELD_FOR;
      const takeOver = waited ? holder?.claim : undefined;
      const args = [String(id), String(window), this.ttl, claim, takeOver ?? '', owner];
      let answer: unknown;
      try {
        answer = await attempts(() => this.run(script, keys, args));
      } catch (error) {
        // It may have run, and taken the id: `passed` lets go of it all the same.
        this.#held.keep(key, claim, true);
        throw error;
      }
      if (typeof answer !== 'string') {
        if (Number(answer) === 0) this.#held.keep(key, claim);
        return Number(answer);
      }
      // This process's own, of a call that failed since: made again under it.
      if (this.#held.retake(key, answer) !== undefined) {
        claim = answer;
        continue;
      }
      // Held by another claim: its process passes the message on now, or died doing so.
      if (holder?.claim !== answer) holder = { claim: answer, since: this.clock.now() };
      await this.#held.wait(HELD_POLL);
    }
  }

  /**
   * Made again, as `seen` is, when Redis does not answer, and then every second while a
   * resend may wait for it (`HeldClaims`): past that, the resend is passed on again.
   */
  async passed(session: string, id: number): Promise<void> {
    const key = `${session} ${id}`;
    const claim = this.#held.take(key);
    if (claim === undefined) return;
    const [hash] = this.keys(session);
    const letGo = () => this.run(PASSED, [hash], [String(id), claim]);
    const { closes } = this.#held;
    try {
      await attempts(letGo);
    } catch (error) {
      this.#held.refused(key, letGo, closes);
      throw error;
    }
  }

  /** The server closed: the waits for held ids end (refused), and no PASSED is made again. */
  close(): void {
    this.#held.close();
  }
}
