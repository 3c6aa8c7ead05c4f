/**
 * A video through the web page: a clip built at test time from dataset photos (Obama, then Kit Harington with
 * Rose Leslie, then a stranger) is picked in the home page's drop zone; its page shows the job's progress bar
 * (still there after a reload), then the player and the timeline; clicking a span seeks the player there;
 * the uploader deletes it. Screenshots go to test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSlideshow, type Slide } from '../test/video/clip';
import { expect, test } from './fixtures';
import { saveScreenshot } from './support/screenshots';

const EXAMPLES = 'raw/face_recognition_ageitgey/examples';
/** Long enough (40 s: 80 frames at 2 a second) for the progress bar to be seen before the job ends. */
const slides: Slide[] = [
  { photo: `${EXAMPLES}/obama2.jpg`, fromMs: 0, toMs: 8_000, people: ['Barack Obama'] },
  { photo: null, fromMs: 8_000, toMs: 12_000 },
  { photo: `${EXAMPLES}/knn_examples/test/kit_with_rose.jpg`, fromMs: 12_000, toMs: 28_000, people: ['Kit Harington', 'Rose Leslie'] },
  { photo: 'raw/five_celebrity_jasmcaus/Resources/Photos/lady.jpg', fromMs: 28_000, toMs: 40_000 },
];
const clipDir = join('test-results', 'video-clips');
const clip = join(clipDir, 'celebrities.mp4');

test.beforeAll(() => {
  mkdirSync(clipDir, { recursive: true });
  buildSlideshow(slides, clip, { width: 640, height: 360, pan: true });
});

test('a video: progress bar, timeline, seek by clicking a span, delete', async ({ homePage, page }) => {
  test.setTimeout(120_000);
  await homePage.goto();
  await homePage.chooseFile(clip);
  await page.waitForURL(/\/v\/[A-Za-z0-9_-]{22}$/, { timeout: 30_000 });
  const id = new URL(page.url()).pathname.split('/').at(-1)!;

  const progress = page.getByRole('progressbar', { name: 'Video recognition progress' });
  await expect(progress).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Looking for celebrities in your video…');
  await saveScreenshot(page, 'video-progress');
  // The job runs on the server: a reload shows where it is, not a fresh start.
  await page.reload();
  await expect(progress).toBeVisible();
  await expect(page.getByTestId('video-progress')).toContainText(/\d+ of 80 frames|Waiting for its turn/);

  // The page refreshes itself when the job is done: the timeline replaces the progress bar.
  const celebrities = page.getByRole('list', { name: 'Recognized celebrities' }).getByTestId('timeline-row');
  await expect(celebrities).toHaveCount(3, { timeout: 90_000 });
  await expect(progress).toHaveCount(0);
  await expect(celebrities.nth(0)).toContainText('Barack Obama');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Barack Obama, Kit Harington and Rose Leslie');
  await expect(page.getByRole('list', { name: 'Unknown persons' }).getByTestId('timeline-row')).toHaveCount(1);
  await expect(page.getByRole('list', { name: 'Unknown persons' })).toContainText('Unknown person 1');
  const kit = celebrities.filter({ hasText: 'Kit Harington' });
  await expect(kit.getByRole('link', { name: /IMDb/ })).toHaveAttribute('href', 'https://www.imdb.com/name/nm3229685/');
  await expect(kit.getByRole('img', { name: 'Face of Kit Harington' })).toHaveJSProperty('complete', true);

  // The player can play the upload (metadata loaded), and a span seeks it to where the person appears.
  const player = page.getByTestId('video-player');
  await expect.poll(() => player.evaluate((video: HTMLVideoElement) => video.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
  const span = kit.getByRole('button', { name: /Kit Harington, .* play from here/ });
  await expect(span).toHaveCount(1);
  const startMs = Number(await span.getAttribute('data-start-ms'));
  expect(Math.abs(startMs - 12_000)).toBeLessThanOrEqual(500);
  await span.click();
  await expect.poll(() => player.evaluate((video: HTMLVideoElement) => video.currentTime * 1000), { timeout: 10_000 }).toBeGreaterThanOrEqual(startMs - 100);
  expect(await player.evaluate((video: HTMLVideoElement) => video.currentTime * 1000)).toBeLessThan(startMs + 3_000);
  await player.evaluate((video: HTMLVideoElement) => video.pause());
  await saveScreenshot(page, 'video-timeline');

  // Shareable: the JSON API answers the same people; deletable by the uploader.
  const api = (await (await page.request.get(`/api/videos/${id}`)).json()) as { status: string; celebrities: Array<{ name: string; appearances: unknown[] }> };
  expect(api.status).toBe('done');
  expect(api.celebrities.map((c) => c.name)).toEqual(['Barack Obama', 'Kit Harington', 'Rose Leslie']);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Delete this result' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  expect((await page.request.get(`/api/videos/${id}`)).status()).toBe(404);
});
