import type { Server } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

/** How long a port a killed server held may stay taken before the new one gives up. */
const LISTEN_RETRY_MS = 5_000;

function listen(http: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
}

/**
 * Listens on `port` (0: any) on loopback. A server started in place of one just killed finds
 * the port taken for a moment: it tries again for a few seconds.
 */
export async function listenAgain(http: Server, port: number): Promise<void> {
  const deadline = Date.now() + LISTEN_RETRY_MS;
  for (;;) {
    try {
      await listen(http, port);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > deadline) {
        throw error;
      }
      await delay(50);
    }
  }
}
