import {
  ConnectionClosedError,
  deserializeError,
  UnconfirmedSendError,
  WorkerError,
} from '../protocol/errors';
import type { Outcome, SocketData, TabSend, WireId } from '../protocol/tab-hub';

/**
 * Where a send stands, as the hubs told the tab: not written by any (as far as a hub that
 * tells its writes knows), written numbered under `wire` (it waits for the server's ack),
 * written plainly (handed to the socket of a plain server: sent), or posted to a hub of an
 * older build, which tells nothing.
 */
type Written =
  | { kind: 'unwritten' }
  | { kind: 'numbered'; wire: WireId }
  | { kind: 'plainly' }
  | { kind: 'untold' };

/** A `send()` the tab made and no hub answered yet. */
export interface PendingSend {
  /** The tab's number for it, which the hub's `written` events name. */
  readonly id: number;
  readonly name: string;
  /** The login it was made in: one that ended meanwhile does not get it. */
  readonly login: unknown;
  readonly data: SocketData;
  written: Written;
}

interface Entry extends PendingSend {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The sends this tab made that no hub answered yet, kept so that a worker's death loses
 * none and doubles none: a send the dead worker had not written goes to the fresh one as
 * new, one it had written numbered goes under the same message id of the same session
 * (the server passes each id on once), one handed to a plain server's socket counts as
 * sent, as it would have a moment later. The hub writes a send numbered only once this tab
 * recorded its id (`TabSend.confirms`): a dedicated worker's port is a task source of its
 * own, so its last `written` event may run after the death, and a send re-posted as new
 * would be written twice. A rejection thus means "not delivered", with two
 * exceptions, both `WorkerError`: a numbered send no worker is left to finish (`endAll`),
 * and one posted to a hub of an older build, which told nothing (`workerLost`).
 */
export class PendingSends {
  readonly #sends = new Map<number, Entry>();
  #nextId = 1;

  /** Keeps a send and hands it to `post`; settles on the hub's answer (`settle`, `fail`). */
  add(
    name: string,
    login: unknown,
    data: SocketData,
    post: (send: PendingSend) => void,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const entry: Entry = { id, name, login, data, written: UNWRITTEN, resolve, reject };
      this.#sends.set(id, entry);
      post(entry);
    });
  }

  /** The hub answered. An answer for a send settled already (by a death) is ignored. */
  settle(send: PendingSend, outcome: Outcome<void> | undefined): void {
    if (outcome?.ok === false) this.fail(send, deserializeError(outcome.error));
    else this.#take(send)?.resolve();
  }

  fail(send: PendingSend, error: unknown): void {
    // "Closed before it was written" holds for the worker that refused it, not for the one
    // that died after writing it: the server may have it.
    const fate =
      error instanceof ConnectionClosedError && send.written.kind === 'numbered'
        ? new UnconfirmedSendError(
            'tabsocket: the login ended after a worker that died had written the message, before the server acknowledged it: the server may or may not have it',
            { cause: error },
          )
        : error;
    this.#take(send)?.reject(fate);
  }

  /** The send was posted to a hub that does not tell its writes. */
  untold(send: PendingSend): void {
    send.written = UNTOLD;
  }

  /** A hub's `written` event. */
  written(id: number, wire: WireId | undefined): void {
    const send = this.#sends.get(id);
    if (!send) return;
    send.written = wire ? { kind: 'numbered', wire } : PLAINLY;
  }

  /**
   * The worker died and a fresh one starts: a send handed to a plain socket is sent; one
   * posted to a hub that told nothing may or may not have been written, and is rejected.
   * The rest are answered: to post to the fresh worker, oldest first.
   */
  workerLost(): PendingSend[] {
    const again: PendingSend[] = [];
    for (const send of [...this.#sends.values()]) {
      if (send.written.kind === 'plainly') this.#take(send)?.resolve();
      else if (send.written.kind === 'untold') this.fail(send, unknownFate(UNTOLD_DEATH));
      else again.push(send);
    }
    return again;
  }

  /**
   * The worker died and no other can start: a send handed to a plain socket is sent, one
   * never written rejects with `error`; one written numbered, or to a hub that told
   * nothing, has no worker left to finish it, and the server may have it.
   */
  endAll(error: WorkerError): void {
    for (const send of [...this.#sends.values()]) {
      if (send.written.kind === 'plainly') this.#take(send)?.resolve();
      else if (send.written.kind === 'unwritten') this.fail(send, error);
      else this.fail(send, unknownFate(NO_WORKER_LEFT, error));
    }
  }

  #take(send: PendingSend): Entry | undefined {
    const entry = this.#sends.get(send.id);
    if (entry !== send) return undefined;
    this.#sends.delete(send.id);
    return entry;
  }
}

/**
 * What the hub is given with a send: its number, the id it was written under, if it was,
 * and that this tab confirms each id before the write (`TabSend.confirms`): a `written`
 * event the tab ran after its worker's death would be lost, and the send written twice.
 */
export function tagOf({ id, written }: PendingSend): TabSend {
  const tag: TabSend = { id, confirms: true };
  return written.kind === 'numbered' ? { ...tag, wire: written.wire } : tag;
}

const UNWRITTEN: Written = { kind: 'unwritten' };
const PLAINLY: Written = { kind: 'plainly' };
const UNTOLD: Written = { kind: 'untold' };

const UNTOLD_DEATH =
  'the shared worker (of an older build, which does not tell what it wrote) died before it answered';
const NO_WORKER_LEFT =
  'the shared worker died after it wrote the message, before the server acknowledged it, and no worker is left to send it again';

/** The one rejection that does not mean "not delivered". */
function unknownFate(why: string, cause?: WorkerError): WorkerError {
  return new WorkerError(
    `tabsocket: ${why}: it may or may not have reached the server`,
    cause ? { cause } : undefined,
  );
}
