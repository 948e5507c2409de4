import { defineConfig } from '@playwright/test';

/**
 * `npm run test:engines`: the multi-tab scenarios in Chromium, Firefox and WebKit, each
 * engine driven by its own protocol (see drivers/), none of them Playwright's browsers.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.engines.ts',
  globalSetup: './global-setup.ts',
  // Two cores: one engine at a time, each scenario with several tabs of its own.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: '../../test-results/engines',
});
