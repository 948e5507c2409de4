import type { ConnectedClient } from './connected-client';

/** The open sockets of this server, all of them and by user. */
export class ClientRegistry {
  readonly #clients = new Set<ConnectedClient>();
  readonly #byUser = new Map<string, Set<ConnectedClient>>();

  /** Open sockets. */
  get size(): number {
    return this.#clients.size;
  }

  /** Users with at least one open socket. */
  get users(): number {
    return this.#byUser.size;
  }

  add(client: ConnectedClient): void {
    this.#clients.add(client);
    let ofUser = this.#byUser.get(client.userId);
    if (!ofUser) {
      ofUser = new Set();
      this.#byUser.set(client.userId, ofUser);
    }
    ofUser.add(client);
  }

  delete(client: ConnectedClient): void {
    this.#clients.delete(client);
    const ofUser = this.#byUser.get(client.userId);
    ofUser?.delete(client);
    if (ofUser?.size === 0) this.#byUser.delete(client.userId);
  }

  all(): Iterable<ConnectedClient> {
    return this.#clients;
  }

  ofUser(userId: string): Iterable<ConnectedClient> {
    return this.#byUser.get(userId) ?? [];
  }

  /** Frames kept for sockets that were sent `hello` and have not resumed yet. */
  rememberedFrames(): number {
    let count = 0;
    for (const client of this.#clients) count += client.rememberedFrames;
    return count;
  }
}
