import type { Page } from '@playwright/test';

/** Full-page screenshots kept under test-results/screenshots/ for people to look at. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true, animations: 'disabled' });
}
