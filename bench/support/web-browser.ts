/**
 * bench:web's browser part: in Debian's Chromium (playwright-core), the time from picking a 1 MP photo on
 * the home page (the upload starts at once) to the result page painted with its photo loaded, through nginx + pm2.
 */
import { chromium } from 'playwright-core';
import { summarize } from './stats';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** p50 and all samples (ms) of pick → result page with its photo decoded, `runs` times. */
export async function pickToPaint(base: string, photoPath: string, runs: number): Promise<{ p50Ms: number; samples: number[] }> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const samples: number[] = [];
    for (let run = 0; run <= runs; run++) {
      await page.goto(base, { waitUntil: 'networkidle' });
      const started = performance.now();
      await page.locator('input[type=file]').setInputFiles(photoPath);
      await page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/);
      // Painted: the stored photo decoded in the page and the next frame drawn.
      await page.waitForFunction(() => {
        const photo = document.querySelector<HTMLImageElement>('img[src$="/image"]');
        return Boolean(photo?.complete && photo.naturalWidth > 0);
      });
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done(null))));
      if (run > 0) samples.push(performance.now() - started); // the first run warms the page's scripts
    }
    return { p50Ms: summarize(samples).p50, samples };
  } finally {
    await browser.close();
  }
}
