/** Launches the system Chromium the e2e suite uses; Playwright's own download is not used. */
import { type Browser, chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../e2e/support/chromium';

export { findChromium } from '../e2e/support/chromium';

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
