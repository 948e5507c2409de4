import type { DemoTopic, NoticePush, NumberedPush } from '../api';
import { byId, h, trimChildren } from './dom';
import { clockTime } from './format';

const MAX_ROWS = 200;
/** Seqs remembered for the duplicate check: far more than arrive between two looks. */
const MAX_SEEN = 5000;

type Kind = DemoTopic | 'notice' | 'local' | 'error';

/**
 * The message log, newest first, and the duplicate detector: every numbered push is keyed by
 * `boot:seq`, and one that arrives twice in this tab is flagged. Two sockets for one user
 * (the bug this library removes) would show here as red rows.
 */
export class MessageLog {
  readonly #list = byId<HTMLOListElement>('log');
  readonly #dupValue = byId('tile-dups');
  readonly #dupNote = byId('tile-dups-note');
  readonly #seen = new Set<string>();
  #received = 0;
  #duplicates = 0;

  push(topic: DemoTopic | 'notice', data: unknown): void {
    if (topic === 'notice') {
      const notice = data as Partial<NoticePush>;
      this.#row('notice', '', String(notice.text ?? ''), notice.at);
      return;
    }
    const push = data as Partial<NumberedPush>;
    if (typeof push.seq !== 'number' || typeof push.boot !== 'string') {
      this.#row('error', '', `Unexpected frame on ${topic}: ${JSON.stringify(data)}`);
      return;
    }
    const duplicate = this.#remember(`${push.boot}:${push.seq}`);
    this.#received += 1;
    if (duplicate) this.#duplicates += 1;
    this.#row(topic, `#${push.seq}`, describe(push as NumberedPush), push.at, duplicate);
    this.#updateTile();
  }

  /** Something this tab did or saw that is not a push: login, a fault, an error. */
  local(text: string, kind: 'local' | 'error' = 'local'): void {
    this.#row(kind, '', text);
  }

  /** Answers whether the key was seen before, and remembers it. */
  #remember(key: string): boolean {
    if (this.#seen.has(key)) return true;
    this.#seen.add(key);
    if (this.#seen.size > MAX_SEEN) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    return false;
  }

  #row(kind: Kind, seq: string, text: string, serverAt?: number, duplicate = false): void {
    const row = h('li', `log-row log-${kind}${duplicate ? ' log-dup' : ''}`);
    const time = h('time', 'log-time', clockTime(Date.now()));
    if (serverAt !== undefined) time.title = `sent by the server at ${clockTime(serverAt)}`;
    row.append(
      time,
      h('span', 'log-tag', kind),
      h('span', 'log-seq', seq),
      h('span', 'log-text', text),
    );
    if (duplicate) row.append(h('span', 'log-flag', 'DUPLICATE'));
    this.#list.prepend(row);
    trimChildren(this.#list, MAX_ROWS);
  }

  #updateTile(): void {
    this.#dupValue.textContent = String(this.#duplicates);
    this.#dupValue.classList.toggle('bad', this.#duplicates > 0);
    this.#dupNote.textContent = `of ${this.#received} pushes received`;
  }
}

function describe(push: NumberedPush): string {
  switch (push.topic) {
    case 'clock':
      return `tick sent at ${clockTime(push.at)}`;
    case 'chat':
      return `${push.from}: ${push.text}`;
    case 'presence':
      return `${push.user} ${push.online ? 'came online' : 'went offline'}`;
  }
}
