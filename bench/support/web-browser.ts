/**
 * bench:web's browser part: in Debian's Chromium (playwright-core), the time from picking a 1 MP photo on
 * the home page (the upload starts at once) to the result page painted with its photo loaded, through nginx + pm2.
 */
import { chromium } from 'playwright-core';
import { summarize } from './stats';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface PickToPaint {
  /**
   * From the page's own clock: the file input's change event (the browser holds the photo) → the first
   * animation frame in which the result page's photo is loaded (found by a frame loop in the page).
   */
  p50Ms: number;
  samples: number[];
  /** From Playwright's side: setInputFiles called → it sees the page painted (adds CDP's round trips both ways). */
  outerP50Ms: number;
  outerSamples: number[];
}

/**
 * Run in the page before each pick (a string, so the TypeScript runner's helpers, which the page lacks, are
 * not woven into it): notes the page's clock at the input's change event, then checks every animation
 * frame for the photo of the result the URL names, loaded, and notes that frame's time.
 */
const WATCH_FOR_PAINT = `(() => {
  delete window.pickedAt;
  delete window.paintedAt;
  document.addEventListener('change', () => { window.pickedAt ??= performance.now(); }, { capture: true, once: true });
  const watch = () => {
    const id = /^\\/r\\/([A-Za-z0-9_-]+)$/.exec(location.pathname)?.[1];
    const photo = id ? document.querySelector('img[src$="/' + id + '/image"]') : null;
    if (photo && photo.complete && photo.naturalWidth > 0) window.paintedAt = performance.now();
    else requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
})()`;

/** Pick → result page with its photo decoded, `runs` times (after one warm-up run), timed in the page and from outside. */
export async function pickToPaint(base: string, photoPath: string, runs: number): Promise<PickToPaint> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const samples: number[] = [];
    const outerSamples: number[] = [];
    for (let run = 0; run <= runs; run++) {
      await page.goto(base, { waitUntil: 'networkidle' });
      // In the page: its clock when the input holds the file, then, from a loop on its animation frames, the
      // first frame in which the result page shows its photo loaded (no round trip to Playwright counted;
      // the app navigates client-side, so the loop survives). The home page's own recent-result photos do
      // not count: the photo must be the one of the result the URL names.
      await page.evaluate(WATCH_FOR_PAINT);
      const started = performance.now();
      await page.locator('input[type=file]').setInputFiles(photoPath);
      await page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/);
      await page.waitForFunction(() => (window as unknown as { paintedAt?: number }).paintedAt !== undefined);
      const outer = performance.now() - started;
      const inPage = await page.evaluate(() => {
        const marks = window as unknown as { pickedAt?: number; paintedAt?: number };
        return (marks.paintedAt ?? Number.NaN) - (marks.pickedAt ?? Number.NaN);
      });
      if (run > 0) {
        // the first run warms the page's scripts
        samples.push(inPage);
        outerSamples.push(outer);
      }
    }
    return { p50Ms: summarize(samples).p50, samples, outerP50Ms: summarize(outerSamples).p50, outerSamples };
  } finally {
    await browser.close();
  }
}
