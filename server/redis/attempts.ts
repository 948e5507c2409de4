/**
 * Times a `seen` or an `end` is made before it fails: node-redis sends a command made while
 * it reconnects once it is back, so a second attempt waits for Redis rather than a timer.
 */
const ATTEMPTS = 3;

/** `call`, made again when it fails, up to `ATTEMPTS` times in all. */
export async function attempts<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt === ATTEMPTS) throw error;
    }
  }
}
