/**
 * bench:web's browser part: in Debian's Chromium (playwright-core), the time from picking a 1 MP photo on
 * the home page (the upload starts at once) to the result page painted with its photo loaded, through nginx + pm2.
 */
import { chromium } from 'playwright-core';
import { summarize } from './stats';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface PickToPaint {
  /** From the page's own clock: the file input's change event (the browser holds the photo) → painted. */
  p50Ms: number;
  samples: number[];
  /** From Playwright's side: setInputFiles called → painted (adds handing the file to the browser over CDP). */
  outerP50Ms: number;
  outerSamples: number[];
}

/** Pick → result page with its photo decoded, `runs` times (after one warm-up run), timed in the page and from outside. */
export async function pickToPaint(base: string, photoPath: string, runs: number): Promise<PickToPaint> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const samples: number[] = [];
    const outerSamples: number[] = [];
    for (let run = 0; run <= runs; run++) {
      await page.goto(base, { waitUntil: 'networkidle' });
      // The page's own clock at the moment the input holds the file; the app navigates client-side, so it survives.
      await page.evaluate(() => {
        const marks = window as unknown as { pickedAt?: number };
        delete marks.pickedAt;
        document.addEventListener('change', () => (marks.pickedAt ??= performance.now()), { capture: true, once: true });
      });
      const started = performance.now();
      await page.locator('input[type=file]').setInputFiles(photoPath);
      await page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/);
      // Painted: the stored photo decoded in the page and the next frame drawn.
      await page.waitForFunction(() => {
        const photo = document.querySelector<HTMLImageElement>('img[src$="/image"]');
        return Boolean(photo?.complete && photo.naturalWidth > 0);
      });
      const inPage = await page.evaluate(() => new Promise<number>((done) => requestAnimationFrame(() => done(performance.now() - ((window as unknown as { pickedAt?: number }).pickedAt ?? Number.NaN)))));
      if (run > 0) {
        // the first run warms the page's scripts
        samples.push(inPage);
        outerSamples.push(performance.now() - started);
      }
    }
    return { p50Ms: summarize(samples).p50, samples, outerP50Ms: summarize(outerSamples).p50, outerSamples };
  } finally {
    await browser.close();
  }
}
