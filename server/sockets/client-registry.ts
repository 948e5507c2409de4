import { UserIndex } from '../sessions/user-index';
import type { ConnectedClient } from './connected-client';

/** The open sockets of this server, all of them and by user. */
export class ClientRegistry {
  readonly #clients = new Set<ConnectedClient>();
  readonly #byUser = new UserIndex<ConnectedClient>();

  /** Open sockets. */
  get size(): number {
    return this.#clients.size;
  }

  /** Users with at least one open socket. */
  get users(): number {
    return this.#byUser.users;
  }

  add(client: ConnectedClient): void {
    this.#clients.add(client);
    this.#byUser.add(client);
  }

  delete(client: ConnectedClient): void {
    this.#clients.delete(client);
    this.#byUser.remove(client);
  }

  all(): Iterable<ConnectedClient> {
    return this.#clients;
  }

  ofUser(userId: string): Iterable<ConnectedClient> {
    return this.#byUser.of(userId);
  }

  /** Frames kept for sockets that were sent `hello` and have not resumed yet. */
  rememberedFrames(): number {
    let count = 0;
    for (const client of this.#clients) count += client.rememberedFrames;
    return count;
  }
}
