import type { ChildProcess } from 'node:child_process';
import type { Envelope } from './ipc';

/** Asks a child process and awaits its one reply. */
export class Rpc<Ask> {
  #next = 1;
  readonly #waiting = new Map<number, (body: unknown) => void>();

  constructor(readonly child: ChildProcess) {
    // One listener per ask in flight: the storm's pushes keep a few waiting at once.
    child.setMaxListeners(0);
    child.on('message', (message: Envelope<unknown>) => {
      this.#waiting.get(message.ask)?.(message.body);
      this.#waiting.delete(message.ask);
    });
  }

  ask<Reply>(body: Ask): Promise<Reply> {
    const ask = this.#next++;
    return new Promise((resolve, reject) => {
      const exited = () =>
        reject(new Error(`the child exited before answering ${JSON.stringify(body).slice(0, 80)}`));
      this.child.once('exit', exited);
      this.#waiting.set(ask, (reply) => {
        this.child.off('exit', exited);
        resolve(reply as Reply);
      });
      this.child.send({ ask, body } satisfies Envelope<Ask>);
    });
  }
}

/** In a child: answers each ask with what `handle` gives. */
export function serve<Ask>(handle: (ask: Ask) => unknown): void {
  process.on('message', async (message: Envelope<Ask>) => {
    const body = await handle(message.body);
    process.send?.({ ask: message.ask, body: body ?? null });
  });
}
