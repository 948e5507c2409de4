/** The ports `npm start` uses unless the environment says otherwise. */
export const DEFAULT_DEMO_PORT = 8787;
export const DEFAULT_VITE_PORT = 5173;

/** Reads a port from `process.env[name]`; a value that is not a port stops the start. */
export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(
      `${name} must be a port number from 0 to 65535, got ${JSON.stringify(raw)}`,
    );
  }
  return port;
}
