/**
 * `npm run bench`: tabsocket against the per-tab alternatives, in one run, on one machine,
 * so the figures are ratios taken at the same moment. Builds the pages, measures every
 * variant for N = 1, 5, 10 tabs, then the one-tab fault figures, the reconnect churn and
 * the server's session stores (memory against Redis);
 * writes bench/results/<date>.json and .svg and prints the Markdown table on stdout
 * (progress goes to stderr).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Browser } from '@playwright/test';
import { startAppServer } from './app-server';
import { findChromium, launchChromium } from './browser';
import { buildPages, pagesDir, root } from './build-pages';
import { measureBundles } from './bundle-size';
import * as config from './config';
import { measureChurn } from './phases/churn';
import { measureFaults } from './phases/faults';
import { measureSteady } from './phases/steady';
import { measureStores } from './phases/stores';
import { renderChart } from './report/chart';
import { judgeGoals } from './report/goals';
import { renderGoals, renderTable } from './report/table';
import type { RunResults, SteadyFigures } from './results';
import { BenchServer } from './ws-server';

const log = (message: string) =>
  console.error(`[bench ${process.uptime().toFixed(1).padStart(5)} s] ${message}`);

async function main(): Promise<void> {
  const date = new Date().toISOString();
  const loadAtStart = loadavg()[0] ?? 0;
  // Before the build: a missing browser should not cost a build to find out.
  const chromiumPath = findChromium();
  log('building the pages from the packed package');
  await buildPages();
  const bundles = await measureBundles();
  const app = await startAppServer(pagesDir);
  const server = await BenchServer.start();
  let browser: Browser | undefined;
  try {
    browser = await launchChromium(chromiumPath);
    const steady: SteadyFigures[] = [];
    for (const tabs of config.TAB_COUNTS) {
      for (const variant of config.VARIANTS) {
        const figures = await measureSteady({ browser, appUrl: app.url, server }, variant, tabs);
        const phases = Object.entries(figures.phaseMs).map(
          ([phase, ms]) => `${phase} ${ms.toFixed(0)}`,
        );
        log(`${variant}, ${tabs} tab(s): ${phases.join(', ')} ms`);
        steady.push(figures);
      }
    }
    log('half-open detection and offline → online, every socket variant at once');
    const faults = await Promise.all(
      config.SOCKET_VARIANTS.map((variant) => measureFaults(browser as Browser, app.url, variant)),
    );
    log(`${config.CHURN.cycles} reconnect cycles`);
    const churn = await measureChurn(browser, app.url);
    log('session stores: fan-out and resume, in memory and on Redis');
    const stores = await measureStores();
    const partial: Omit<RunResults, 'goals'> = {
      date,
      durationMs: process.uptime() * 1000,
      machine: {
        cores: availableParallelism(),
        cpu: cpus()[0]?.model ?? 'unknown',
        platform: `${process.platform} ${process.arch}`,
        node: process.version,
        loadAverage: [loadAtStart, loadavg()[0] ?? 0],
      },
      chromium: browser.version(),
      settings: { ...config },
      steady,
      faults,
      churn,
      bundles,
      stores,
    };
    report({ ...partial, goals: judgeGoals(partial) });
  } finally {
    await browser?.close();
    await server.close();
    await app.close();
  }
}

function report(results: RunResults): void {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stem = join(dir, results.date.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z'));
  writeFileSync(`${stem}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${stem}.svg`, renderChart(results));
  log(`wrote ${stem}.json and .svg`);
  console.log(
    `## tabsocket bench, ${results.date}\n\n` +
      `${results.machine.cores} cores (${results.machine.cpu}), Chromium ${results.chromium}, ` +
      `Node ${results.machine.node}; run took ${(results.durationMs / 1000).toFixed(0)} s; ` +
      `load average ${results.machine.loadAverage.map((l) => l.toFixed(1)).join(' → ')}.\n\n` +
      `${renderTable(results)}\n\n### Goals\n\n${renderGoals(results)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
