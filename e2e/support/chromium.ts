import { existsSync } from 'node:fs';

/**
 * The flags every Chromium here starts with. This machine's network is closed: without the
 * background-networking flags Chromium keeps trying to reach Google's hosts.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** CHROMIUM_PATH or /usr/bin/chromium; throws a message that says how to get one. */
export function findChromium(): string {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `No Chromium at ${executablePath}. The tests and the bench drive a system Chromium, not ` +
        "one Playwright downloads: install Debian's (apt-get install -y chromium) or point " +
        'CHROMIUM_PATH at a Chromium or Chrome binary.',
    );
  }
  return executablePath;
}
