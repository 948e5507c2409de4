import type { InterestUpdate } from '../protocol/tab-hub';

/** The key of `on('message')`'s listeners, which want every frame: no topic is `''`. */
export const EVERY_FRAME = '';

/**
 * What this tab wants of one login, counted over its handles, and what its hub was told.
 * A subscribe or an unsubscribe costs O(1): it counts, and marks the key changed; the hub
 * hears the changes of a task at once (`takeUpdate`), as the diff or as the whole set,
 * whichever is smaller.
 */
export class TabInterest {
  /** Key → how many handles of the tab listen under it (`EVERY_FRAME`: every frame). */
  readonly #counts = new Map<string, number>();
  /**
   * The keys the hub was told, or `unknown`: a new login, a fresh worker or a page restored
   * from the bfcache, whose hub may hold anything. The next update is the whole set.
   */
  #told: Set<string> | 'unknown' = 'unknown';
  /** The keys whose count left or reached zero since the last update. */
  readonly #changed = new Set<string>();

  /** A handle listens under `key` now; answers whether this is the first change to tell. */
  add(key: string): boolean {
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    return count === 1 && this.#mark(key);
  }

  /** A handle stopped listening under `key`; answers whether this is the first change to tell. */
  remove(key: string): boolean {
    const count = (this.#counts.get(key) ?? 0) - 1;
    if (count > 0) {
      this.#counts.set(key, count);
      return false;
    }
    this.#counts.delete(key);
    return this.#mark(key);
  }

  /** The hub no longer knows what the tab wants: the next update says it whole. */
  forget(): void {
    this.#told = 'unknown';
    this.#changed.clear();
  }

  /**
   * The hub refused these keys (past the server's limits): it holds none of them, so a
   * subscribe of one again, even in the task of its unsubscribe, is told again.
   */
  refused(keys: readonly string[]): void {
    if (this.#told === 'unknown') return;
    for (const key of keys) this.#told.delete(key);
  }

  /** What the hub must hear, if anything: the diff, or the whole set when that is smaller. */
  takeUpdate(): InterestUpdate | undefined {
    const all = this.#counts.has(EVERY_FRAME);
    const told = this.#told;
    const topicCount = this.#counts.size - (all ? 1 : 0);
    if (told === 'unknown') {
      this.#told = new Set(this.#counts.keys());
      return { all, topics: topicsOf(this.#counts.keys()) };
    }
    if (this.#changed.size === 0) return undefined;
    const add: string[] = [];
    const remove: string[] = [];
    let allChanged = false;
    for (const key of this.#changed) {
      const wanted = this.#counts.has(key);
      if (wanted === told.has(key)) continue;
      if (wanted) told.add(key);
      else told.delete(key);
      if (key === EVERY_FRAME) allChanged = true;
      else (wanted ? add : remove).push(key);
    }
    this.#changed.clear();
    if (add.length + remove.length === 0 && !allChanged) return undefined;
    return add.length + remove.length < topicCount
      ? { all, add, remove }
      : { all, topics: topicsOf(this.#counts.keys()) };
  }

  /** Marks a change; answers whether it is the first since the last update. */
  #mark(key: string): boolean {
    if (this.#told === 'unknown') return false;
    const first = this.#changed.size === 0;
    this.#changed.add(key);
    return first;
  }
}

function topicsOf(keys: Iterable<string>): string[] {
  return [...keys].filter((key) => key !== EVERY_FRAME);
}
