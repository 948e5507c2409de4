/**
 * A random id. Not `crypto.randomUUID()`: that exists only in secure contexts, and a site
 * served over plain http on a LAN address must work too.
 */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
