import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';

/** What a binding shows on e2e/app/bindings.html: its state and the last "news" frame. */
function shown(page: Page, binding: 'react' | 'vue', what: 'state' | 'news') {
  return page.locator(`#${binding}-${what}`);
}

async function expectBoth(page: Page, what: 'state' | 'news', text: string): Promise<void> {
  for (const binding of ['react', 'vue'] as const) {
    await expect(shown(page, binding, what)).toHaveText(text);
  }
}

test.describe('React and Vue bindings', () => {
  test('a StrictMode React component and a Vue component share one socket, follow a re-login, and release on unmount', async ({
    page,
    app,
    server,
  }) => {
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${app.url}bindings.html?url=${encodeURIComponent(server.url)}`);
    await expectBoth(page, 'state', 'open');
    expect(server.opened).toBe(1);

    expect(server.push({ topic: 'news', n: 1 })).toBe(1);
    server.push({ topic: 'other' });
    await expectBoth(page, 'news', '{"topic":"news","n":1}');

    await page.evaluate(() => window.bindings.logInAs('b'));
    await expect.poll(() => server.opened).toBe(2);
    await expectBoth(page, 'state', 'open');
    expect(server.open).toBe(1);
    expect(server.push({ topic: 'news', n: 2 })).toBe(1);
    await expectBoth(page, 'news', '{"topic":"news","n":2}');

    await page.evaluate(() => window.bindings.unmount());
    await expect.poll(() => server.open).toBe(0);
    expect(server.opened).toBe(2);
    expect(pageErrors).toEqual([]);
  });
});
