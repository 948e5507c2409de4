import type { Clock } from '../../protocol/clock';
import { AnswerWait } from './answer-wait';

/**
 * A relaying hub's logouts, each waiting for the owner's word that it closed the login of
 * its session (`SharedConnection.loggingOut`), or for `within` ms. A logout of the session
 * a wait runs for joins that wait; one of another session (its next login followed another
 * owner meanwhile) waits on its own, so that neither word ends the other's wait (review 10).
 */
export class LogoutWaits {
  /** By session; '' for a login whose session this hub did not know. */
  readonly #waits = new Map<string, AnswerWait>();
  #last: AnswerWait | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly within: number,
  ) {}

  /** The wait of the last logout, while it runs. */
  get last(): Promise<void> | undefined {
    return this.#last?.promise;
  }

  /** A logout of the login on `session` (undefined: not known to this hub). */
  start(session: string | undefined): void {
    const key = session ?? '';
    let wait = this.#waits.get(key);
    if (!wait?.promise) {
      wait = new AnswerWait(this.clock);
      this.#waits.set(key, wait);
      wait.start(this.within);
    }
    this.#last = wait;
  }

  /** The owner's word that the login on `session` closed (undefined: it names none). */
  heard(session: string | undefined): void {
    for (const [key, wait] of this.#waits) {
      if (session !== undefined && key !== '' && key !== session) continue;
      wait.settle();
      this.#waits.delete(key);
    }
  }

  /** This hub holds the owner lock: no other hub passes on a login's pushes any more. */
  settleAll(): void {
    for (const wait of this.#waits.values()) wait.settle();
    this.#waits.clear();
  }
}
