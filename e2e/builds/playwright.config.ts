import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium';

/**
 * `npm run test:builds`: the package as apps bundle it with webpack 5, Next.js (Turbopack
 * and webpack), esbuild and Rollup, each built once from the packed tarball (global-setup.ts).
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.builds.ts',
  globalSetup: './global-setup.ts',
  // Two cores: one test at a time, each with two tabs.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: '../../test-results/builds',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
  },
});
