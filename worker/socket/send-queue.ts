import { DEFAULT_LIMITS } from '../../protocol/connection-options';
import type { TabSocketError } from '../../protocol/errors';
import { ConnectionClosedError } from '../../protocol/errors';
import type { SocketData, WireId } from '../../protocol/tab-hub';
import { MAX_ALSO } from '../../protocol/wire-checks';
import { byteSize, fitsPayload, tooLargeMessage, utf8Length } from './wire-limits';

interface Message {
  data: SocketData;
  /** A string's JSON text, made once: its `msg` frame is built around it, and measured by it. */
  quoted?: string | undefined;
  /** The id another hub wrote it under, before this hub took the session over. */
  id?: number;
  /** `id` came with it (`Numbering.id`): another hub may have written it under that id. */
  carried?: true;
  /** The session a carried `id` is an id of (`Numbering.session`). */
  session?: string;
  /** Where it was written before, under another session (`Numbering.was`). */
  was?: WireId;
  /** The sessions it was written in after `was` (`Numbering.also`; this hub's switches add to it), the latest `MAX_ALSO`. */
  also?: WireId[];
  /** Told the id the message is written under (a relay peer keeps it for a handover). */
  onNumbered?: Numbering['onNumbered'];
  /** Told that it is written plainly, to a server that numbers nothing. */
  onPlain?: () => void;
  withdrawn?: AbortSignal;
  confirm?: Numbering['confirm'];
  /** Written once already, and waiting to go again: the server may have it. */
  written?: true;
  /** The last ask of `confirm` (one object per ask); `told`, the ask its tab answered. */
  asked?: Ask;
  told?: Ask;
  resolve(): void;
  reject(error: TabSocketError): void;
}

/**
 * How a message was numbered before, and who wants to hear how it is written: told just
 * before the write, so that whoever keeps the message for a handover never knows less
 * than the server may have.
 */
export interface Numbering {
  id?: number;
  /** The session `id` is an id of: a hub that relays the send passes it on with the id. */
  session?: string;
  /**
   * Written (or perhaps written) before under this id of another session of the login: the
   * frame says so, and the server passes it on only if that session did not (`MessageFrame`).
   */
  was?: WireId;
  /** The sessions it was written in after `was`, oldest first (the frame's `also`). */
  also?: WireId[];
  /** The tab that made it and its number for it (see `numberingOf`), for a relay's owner. */
  origin?: string;
  /**
   * The id it is written under, where it was written before (`was`, `also`), if anywhere,
   * and the session, when the one writing it is on another than its hub's (a relay's owner).
   */
  onNumbered?: (id: number, before?: WireId[], session?: string) => void;
  onPlain?: () => void;
  /**
   * Aborted once whoever handed the message over is gone and others write it if it must
   * be (see `RelayOwner`): not written yet, it is dropped; written, it is not written again.
   */
  withdrawn?: AbortSignal;
  /**
   * The message is written numbered only once `confirm(id)` resolved: the tab that keeps
   * it for its worker's death then knows the id, whatever order its event loop runs that
   * worker's last messages and its death in. Every later message waits behind it: written
   * before it, a message of another tab under an id further on (a fresh hub's, past the
   * reserved ones) would move the server's dedupe window past this one's, which it would
   * then take for one it had passed on.
   */
  confirm?: (id: number, before?: WireId[]) => Promise<void>;
}

/** How the current socket takes messages: numbered text awaits an ack, the rest is done once written. */
export interface SendWriter {
  numbered: boolean;
  write(data: SocketData): void;
}

/** One question to a tab about an id: a stale answer (to an ask before a renumbering) is another ask's. */
interface Ask {
  id: number;
}

/** Whether the message's tab confirmed the id it is to be written under. */
function isTold(message: Message): boolean {
  return (
    message.told !== undefined && message.told === message.asked && message.told.id === message.id
  );
}

/**
 * How much of where a message was written before its frame names: `was` and `also`, `was`
 * alone, or nothing (dropped to fit `maxPayload`).
 */
type Named = 'all' | 'was' | 'none';

/** A message written numbered and not acknowledged yet, with its frame as written. */
type Written = Message & { id: number; frame: string; named: Named };

/**
 * Where a message was written before, oldest first: its `was`, then its `also`; as far as a
 * frame that names `named` of them says, or all of them when that frame names every copy
 * before its own: the server asks no further (`passedOnBefore`), and a fresh hub on another
 * session keeps its id there (review 19b: a cut past its own copy lost it).
 */
function writtenBefore(
  { was, also, carried, session, id }: Message,
  named: Named = 'all',
): WireId[] | undefined {
  if (!was) return undefined;
  const all = [was, ...(also ?? [])];
  // Its own copy among those the frame named, or the first it left out: the server asks
  // none past it.
  const upToOwn = all.slice(0, named === 'was' ? 2 : 1);
  if (named === 'all' || (carried && namesCopy(upToOwn, session, id))) return all;
  return named === 'was' ? [was] : undefined;
}

/**
 * Whether `also` names the copy of session `session` under `id` already: a copy named in its
 * place keeps it (named again last, it would be taken after the copies written after it).
 */
function namesCopy(also: WireId[] | undefined, session?: string, id?: number): boolean {
  return also?.some((copy) => copy.session === session && copy.id === id) === true;
}

/**
 * The sessions a message was (or may have been) written in: `was`, `also`, and the session of
 * the id it came with, while `carried` (another hub wrote it under that id).
 */
export function writtenUnder(
  { session, was, also }: Pick<Numbering, 'session' | 'was' | 'also'>,
  carried: boolean,
): string[] {
  const sessions = [was, ...(also ?? [])].map((copy) => copy?.session);
  if (carried) sessions.push(session);
  return sessions.filter((named): named is string => named !== undefined);
}

/** A numbered message as it goes on the wire: `JSON.stringify` of its `MessageFrame`, built around its quoted text. */
function messageFrame(id: number, quoted: string, was?: WireId, also?: WireId[]): string {
  const origin = (wire: WireId) => JSON.stringify({ session: wire.session, id: wire.id });
  const before = was ? `,"was":${origin(was)}` : '';
  const after = was && also?.length ? `,"also":[${also.map(origin).join(',')}]` : '';
  return `{"$ts":"msg","id":${id},"text":${quoted}${before}${after}}`;
}

/**
 * Every message a tab handed over and the connection has not finished with: waiting to be
 * written (the socket is not ready), or written as a numbered frame and not acknowledged
 * yet. Both count toward `outboxLimit` at the hub's entry (`refuseSend`): a send past it is
 * refused there, never dropped in silence. Each `add` promise settles exactly once: on the write, on the ack, or by `rejectAll`.
 */
export class SendQueue {
  /** Not written yet, oldest first. */
  #waiting: Message[] = [];
  /** Written, numbered, not acknowledged; insertion order is id order. */
  readonly #unacked = new Map<number, Written>();
  #nextId = 1;
  /** How many messages at the head of `#waiting` were asked about (`Numbering.confirm`) under their ids. */
  #askedCount = 0;
  /** Bytes of the largest binary message written on the current socket (`socketOpened`). */
  #largestBinary = 0;
  /** The `withdrawn` signals this queue listens to: each once, however many sends carry it. */
  readonly #watched = new WeakSet<AbortSignal>();

  /**
   * @param maxPayload largest frame the server takes, in bytes: the link lowers it as it
   * learns (a hello, a 1009 close). A message over it is refused, never written.
   */
  /** `confirmed`: a message's tab answered (`Numbering.confirm`): it may be written now. */
  constructor(
    public maxPayload = DEFAULT_LIMITS.maxPayload,
    private readonly confirmed: () => void = () => {},
  ) {}

  /** Messages not finished with: waiting, or written and not acknowledged. */
  get size(): number {
    return this.#waiting.length + this.#unacked.size;
  }

  /** The id the next numbered message takes. */
  get nextId(): number {
    return this.#nextId;
  }

  /** A session taken over from another hub: its ids so far are taken. */
  continueFrom(nextId: number): void {
    this.#nextId = Math.max(this.#nextId, nextId);
  }

  /**
   * `numbered`: whether text will most likely go numbered, inside a `msg` frame (the server
   * is not known to be plain); it is measured so, and measured again as it is written.
   */
  add(data: SocketData, numbering: Numbering = {}, numbered = true): Promise<void> {
    const quoted = numbered && typeof data === 'string' ? JSON.stringify(data) : undefined;
    // Measured without `was`, which it drops rather than be refused (see `#write`).
    const written =
      quoted === undefined ? data : messageFrame(this.#nextId + this.#waiting.length, quoted);
    if (!fitsPayload(written, this.maxPayload)) {
      return Promise.reject(tooLargeMessage(this.maxPayload));
    }
    return new Promise((resolve, reject) =>
      this.#enqueue({ data, quoted, ...numbering, resolve, reject }),
    );
  }

  /**
   * A message another hub wrote under an id (a tab re-posting it after its worker died) goes
   * ahead of the waiting ones numbered above it or not numbered yet: a fresh hub numbers new
   * sends past the cursor's reservation, and a new send of a tab that reached it first,
   * written before, would move the server's dedupe window past this id, which the server
   * would then acknowledge as one it had passed on and drop. The others keep their order.
   */
  #enqueue(message: Message): void {
    const { id, withdrawn } = message;
    if (this.#dropWithdrawn(message)) return;
    if (withdrawn && !this.#watched.has(withdrawn)) {
      this.#watched.add(withdrawn);
      withdrawn.addEventListener('abort', () => this.#dropAllWithdrawn(), { once: true });
    }
    if (id === undefined) {
      this.#waiting.push(message);
      return;
    }
    message.carried = true;
    const index = this.#waiting.findIndex((other) => other.id === undefined || other.id > id);
    if (index < 0) {
      this.#waiting.push(message);
      return;
    }
    this.#waiting.splice(index, 0, message);
    // Asked about from here on again: `#ask` skips the ones already asked under their id.
    this.#askedCount = Math.min(this.#askedCount, index);
  }

  /**
   * Writes what waits, oldest first, up to the first message that waits for its tab
   * (`Numbering.confirm`): the ones after it wait too, asked about once each. Linear in what
   * it writes and asks: a burst's confirmations do not go over the whole list again each.
   * A write that throws rejects its message and no other.
   */
  flush(writer: SendWriter): void {
    const waiting = this.#waiting;
    let index = 0;
    for (; index < waiting.length; index += 1) {
      const message = waiting[index] as Message;
      if (this.#dropWithdrawn(message)) continue;
      const numbered = writer.numbered && typeof message.data === 'string';
      if (numbered && message.confirm && !isTold(message)) break;
      this.#write(message, numbered, writer);
    }
    if (index > 0) this.#waiting = waiting.slice(index);
    this.#askedCount = Math.max(0, this.#askedCount - index);
    if (!writer.numbered || this.#waiting.length === 0) return;
    for (; this.#askedCount < this.#waiting.length; this.#askedCount += 1) {
      const message = this.#waiting[this.#askedCount] as Message;
      if (message.confirm && typeof message.data === 'string' && !message.withdrawn?.aborted) {
        this.#ask(message, message.confirm);
      }
    }
  }

  #write(message: Message, numbered: boolean, writer: SendWriter): void {
    const { data, confirm } = message;
    try {
      if (numbered) {
        // A message another hub wrote keeps its id: the server passes each id on once.
        const id = message.id ?? this.#nextId;
        message.quoted ??= JSON.stringify(data);
        const { text, named } = this.#frameOf(id, message.quoted, message);
        // Measured as written: the limit may have come down since (a hello, a 1009 close).
        if (!fitsPayload(text, this.maxPayload)) {
          message.reject(tooLargeMessage(this.maxPayload));
          return;
        }
        // A confirmed message's tab heard its id already. Told what the frame names: a fresh
        // hub names no more than this frame did, as a resend does (review 18d).
        if (!confirm) message.onNumbered?.(id, writtenBefore(message, named));
        writer.write(text);
        // Kept only once written: a message the socket refused is rejected, never resent.
        if (id >= this.#nextId) this.#nextId = id + 1;
        this.#unacked.set(id, { ...message, id, frame: text, named });
      } else if (!fitsPayload(data, this.maxPayload)) {
        message.reject(tooLargeMessage(this.maxPayload));
      } else {
        message.onPlain?.();
        writer.write(data);
        if (typeof data !== 'string') {
          this.#largestBinary = Math.max(this.#largestBinary, byteSize(data));
        }
        message.resolve();
      }
    } catch (cause) {
      message.reject(
        new ConnectionClosedError('tabsocket: the socket refused the message', { cause }),
      );
    }
  }

  /**
   * Takes the message's id now (the next one, unless another hub wrote it under one) and
   * asks its tab to confirm it, once per id: a fresh session's id is asked again. Each
   * answer flushes (a flush stops at once at a first message still waiting for its tab):
   * the one that frees the first waiting message writes the others told with it, and so
   * does a withdrawn message's, settled as its hub goes (`HeardWrites.forget`).
   */
  #ask(message: Message, confirm: NonNullable<Numbering['confirm']>): void {
    const id = message.id ?? this.#nextId;
    message.id = id;
    // Taken now, also one another hub wrote it under: a message behind it, asked about or
    // written before it, must not take it too.
    this.#nextId = Math.max(this.#nextId, id + 1);
    if (message.asked?.id === id) return;
    const ask: Ask = { id };
    message.asked = ask;
    // Told what its frame names, as `onNumbered` is (review 18h: every tab confirms).
    message.quoted ??= JSON.stringify(message.data);
    const { named } = this.#frameOf(id, message.quoted, message);
    confirm(id, writtenBefore(message, named)).then(() => {
      if (message.asked !== ask) return;
      message.told = ask;
      this.confirmed();
    });
  }

  ack(id: number): void {
    this.#unacked.get(id)?.resolve();
    this.#unacked.delete(id);
  }

  /** The server refused message `id` (an error frame naming it): it is rejected, never resent. */
  refuse(id: number, error: TabSocketError): void {
    this.#unacked.get(id)?.reject(error);
    this.#unacked.delete(id);
  }

  /**
   * The server closed the socket for a frame too large (1009): the largest message written
   * and not acknowledged is the one it could not take. It is rejected, never resent (resent,
   * it would close every socket after this one too). Answers its size in bytes, as written,
   * or undefined when none was waiting for an ack.
   */
  refuseLargest(): number | undefined {
    let largest: Written | undefined;
    let largestBytes = 0;
    for (const message of this.#unacked.values()) {
      const bytes = utf8Length(message.frame);
      if (bytes > largestBytes) {
        largest = message;
        largestBytes = bytes;
      }
    }
    // A binary message is done once written (never numbered, never resent). One larger than
    // every unacknowledged message, written on this socket, is the likelier culprit: the
    // limit falls below it, not below an innocent smaller message, which would refuse that
    // one and every later send of its size.
    if (this.#largestBinary >= largestBytes && this.#largestBinary > 0) return this.#largestBinary;
    if (!largest) return undefined;
    this.refuse(largest.id, tooLargeMessage(largestBytes - 1));
    return largestBytes;
  }

  /** A new socket: the binary messages of the last one closed nothing on this one. */
  socketOpened(): void {
    this.#largestBinary = 0;
  }

  /**
   * The frames to write again on a socket that resumed the session: the server drops those
   * it had. One over `maxPayload` (a hello lowered it since its write) is rejected instead:
   * the server would close this socket for it too (1009).
   */
  unackedFrames(): string[] {
    const frames: string[] = [];
    for (const message of this.#withoutWithdrawn([...this.#unacked.values()])) {
      // Measured again: the limit may have come down since it was written (review 18b). Never
      // naming more than the frame written did: a session named now and not then would
      // decide this copy apart from the first (review 18c).
      const quoted = message.quoted ?? JSON.stringify(message.data);
      const frame = this.#frameOf(message.id, quoted, message, message.named).text;
      if (fitsPayload(frame, this.maxPayload)) frames.push(frame);
      else this.refuse(message.id, tooLargeMessage(this.maxPayload));
    }
    return frames;
  }

  /**
   * A numbered message's frame. One the server may have passed on is not refused for its
   * `was` and `also`: it goes with fewer of them, or none, where they would push it past
   * `maxPayload` (at worst twice, as before `was`: review 15).
   */
  #frameOf(
    id: number,
    quoted: string,
    { was, also }: Pick<Message, 'was' | 'also'>,
    most: Named = 'all',
  ): { text: string; named: Named } {
    if (most === 'all' && also) {
      const text = messageFrame(id, quoted, was, also);
      if (fitsPayload(text, this.maxPayload)) return { text, named: 'all' };
    }
    if (most !== 'none' && was) {
      const text = messageFrame(id, quoted, was);
      if (fitsPayload(text, this.maxPayload)) return { text, named: also ? 'was' : 'all' };
    }
    return { text: messageFrame(id, quoted), named: was ? 'none' : 'all' };
  }

  /**
   * Nobody will ack what was written (the server is plain now, or the session is gone):
   * those messages wait again, ahead of the rest, to be written as the next socket takes
   * them. `renumber` starts ids from 1 again, for another session. `from`, the session left
   * (one the server may still hold): a message that had an id there (written, or carried
   * from another hub) says so in its next frame (`was`), so that the server passes it on
   * once; one that had a `was` keeps it (the first session it may have been written in) and
   * names this one in `also`: the server may have lost either by the next copy.
   */
  requeueUnacked({ renumber, from }: { renumber: boolean; from?: string | undefined }): void {
    const unacked: Message[] = this.#withoutWithdrawn([...this.#unacked.values()]);
    for (const message of unacked) message.written = true;
    this.#unacked.clear();
    this.#waiting = [...unacked, ...this.#waiting];
    // Written, they were told or needed no telling.
    this.#askedCount = renumber ? 0 : this.#askedCount + unacked.length;
    if (!renumber) return;
    // A fresh session knows none of the old ids, nor the ids another hub wrote under.
    this.#nextId = 1;
    const writtenThere = new Set<Message>(unacked);
    for (const message of this.#waiting) {
      const { id } = message;
      // The first session it may have been written in: every later copy names it, and the
      // server records the id there as it checks, whichever copy it reads first (review 15);
      // and the sessions after it, any of which the server may be the one to hold still
      // (review 16).
      if (
        from !== undefined &&
        id !== undefined &&
        (writtenThere.has(message) || message.carried)
      ) {
        if (!message.was) message.was = { session: from, id };
        else if (message.was.session !== from && !namesCopy(message.also, from, id)) {
          message.also = [...(message.also ?? []), { session: from, id }].slice(-MAX_ALSO);
        }
      }
      delete message.id;
      delete message.carried;
      delete message.asked;
      delete message.told;
    }
  }

  /**
   * A relaying hub gone while its sends wait (the socket down): they are dropped now, not at
   * the next write, so that they count toward no outbox and hold no memory while the socket
   * stays down (a peer coming and going grew the owner's queue without bound).
   */
  #dropAllWithdrawn(): void {
    const asked = this.#withoutWithdrawn(this.#waiting.slice(0, this.#askedCount));
    const rest = this.#withoutWithdrawn(this.#waiting.slice(this.#askedCount));
    if (asked.length + rest.length === this.#waiting.length) return;
    this.#waiting = [...asked, ...rest];
    this.#askedCount = asked.length;
    this.confirmed();
  }

  /** The messages not withdrawn; a withdrawn one is rejected and forgotten. */
  #withoutWithdrawn<M extends Message>(messages: M[]): M[] {
    return messages.filter((message) => !this.#dropWithdrawn(message));
  }

  /** Whether the message was withdrawn: it is rejected and forgotten then. */
  #dropWithdrawn(message: Message): boolean {
    if (!message.withdrawn?.aborted) return false;
    if (message.id !== undefined && this.#unacked.get(message.id) === message) {
      this.#unacked.delete(message.id);
    }
    message.reject(new ConnectionClosedError('tabsocket: the message was withdrawn'));
    return true;
  }

  /**
   * Rejects, with `error`, the waiting messages written (or perhaps written) under a session
   * `ended` picks: its id carried from there, or that session named (`was`, `also`). Such a
   * session's login ended (a logout): its messages are that login's, never the next one's.
   */
  rejectWrittenUnder(ended: (session: string) => boolean, error: TabSocketError): void {
    const waiting = this.#waiting;
    const asked = this.#askedCount;
    this.#waiting = waiting.filter((message, at) => {
      if (!writtenUnder(message, !!message.carried).some(ended)) return true;
      if (at < asked) this.#askedCount -= 1;
      message.reject(error);
      return false;
    });
    // A message that waited behind one of them for its tab's answer may go now.
    if (this.#waiting.length < waiting.length) this.confirmed();
  }

  /**
   * Rejects what waits: with `notWritten` what never was, with `written` what was written
   * before and waits to go again. What is written and unacknowledged stays, for its ack.
   */
  rejectWaiting(notWritten: TabSocketError, written: TabSocketError): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    this.#askedCount = 0;
    for (const message of waiting) message.reject(message.written ? written : notWritten);
  }

  rejectAll(error: TabSocketError): void {
    const messages = [...this.#waiting, ...this.#unacked.values()];
    this.#waiting = [];
    this.#askedCount = 0;
    this.#unacked.clear();
    for (const message of messages) message.reject(error);
  }
}
