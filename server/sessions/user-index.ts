/** Items (sockets, sessions) grouped by the user they belong to. */
export class UserIndex<T extends { readonly userId: string }> {
  readonly #byUser = new Map<string, Set<T>>();

  /** Users with at least one item. */
  get users(): number {
    return this.#byUser.size;
  }

  of(userId: string): ReadonlySet<T> {
    return this.#byUser.get(userId) ?? new Set();
  }

  /** Files `item` under its `userId` as it is now. */
  add(item: T): void {
    let ofUser = this.#byUser.get(item.userId);
    if (!ofUser) {
      ofUser = new Set();
      this.#byUser.set(item.userId, ofUser);
    }
    ofUser.add(item);
  }

  /** Takes `item` out, from under its `userId` as it is now. */
  remove(item: T): void {
    const ofUser = this.#byUser.get(item.userId);
    ofUser?.delete(item);
    if (ofUser?.size === 0) this.#byUser.delete(item.userId);
  }
}
