import sharp from 'sharp';
import { expect, test } from './fixtures';
import { limits } from '../lib/limits';
import { imdbPages, photoBytes, photos } from './support/photos';
import { saveScreenshot } from './support/screenshots';

test.describe('recognize a photo', () => {
  test('through the file chooser, with a share link that works in a fresh browser', async ({ homePage, resultPage, page, browser }) => {
    await homePage.goto();
    // The default video limits, as people read them (not "200.0 MB").
    await expect(page.getByText('up to 200 MB and 10 min')).toBeVisible();
    await saveScreenshot(page, 'home');
    await homePage.chooseFile(photos.kitWithRose.path);
    await expect(homePage.preview).toBeVisible();
    await resultPage.waitForResult();

    await expect(resultPage.heading).toHaveText('Kit Harington and Rose Leslie');
    await resultPage.expectCelebrities(photos.kitWithRose.celebrities, photos.kitWithRose.faces);
    await resultPage.expectProfileLink('Kit Harington', imdbPages['Kit Harington']);
    await resultPage.expectProfileLink('Rose Leslie', imdbPages['Rose Leslie']);
    await expect(resultPage.card('Kit Harington').getByRole('link', { name: 'Kit Harington' })).toHaveAttribute('href', /^\/celebrities\/[0-9A-Za-z]+$/);
    await expect(page.locator('meta[property="og:title"]')).toHaveAttribute('content', 'Kit Harington and Rose Leslie');
    await expect(page.locator('meta[name="twitter:card"]')).toHaveAttribute('content', 'summary_large_image');
    await expect(page.locator('meta[property="og:image"]')).toHaveAttribute('content', /\/api\/recognitions\/[A-Za-z0-9_-]{22}\/image$/);
    await saveScreenshot(page, 'result');

    const shared = await browser.newContext();
    const other = await shared.newPage();
    await other.goto(page.url());
    await expect(other.getByRole('heading', { level: 1 })).toHaveText('Kit Harington and Rose Leslie');
    await expect(other.getByRole('list', { name: 'Faces in the photo' }).getByRole('listitem')).toHaveCount(2);
    await expect(other.getByRole('list', { name: 'Recognized celebrities' }).getByRole('article')).toHaveCount(2);
    await shared.close();
  });

  test('by drag and drop; no IMDb page known → a Google search link', async ({ homePage, resultPage, payload }) => {
    await homePage.goto();
    await homePage.dropFile(payload(photos.obama));
    await resultPage.waitForResult();
    await expect(resultPage.heading).toHaveText('Barack Obama');
    await resultPage.expectCelebrities(photos.obama.celebrities, photos.obama.faces);
    await resultPage.expectProfileLink('Barack Obama', undefined);
  });

  test('a lost connection offers "Try again", which sends the same photo', async ({ homePage, resultPage, page, payload }) => {
    await homePage.goto();
    // The first upload never reaches the server, as on a dropped connection; the retry goes through.
    await page.route('**/api/recognitions', (route) => route.abort('connectionreset'), { times: 1 });
    await homePage.pasteFile(payload(photos.obama));
    await homePage.expectProblem('Could not reach the server');
    await expect(homePage.retryButton).toBeFocused();
    await homePage.retryButton.click();
    await resultPage.waitForResult();
    await expect(resultPage.heading).toHaveText('Barack Obama');
  });

  test('by pasting (a real ClipboardEvent carrying the photo)', async ({ homePage, resultPage, payload }) => {
    await homePage.goto();
    await homePage.pasteFile(payload(photos.benAffleck));
    await resultPage.waitForResult();
    await expect(resultPage.heading).toHaveText('Ben Affleck');
    await resultPage.expectCelebrities(photos.benAffleck.celebrities, photos.benAffleck.faces);
    await resultPage.expectProfileLink('Ben Affleck', imdbPages['Ben Affleck']);
  });

  test('a photo over the upload limit is shrunk in the browser, not refused', async ({ homePage, resultPage }) => {
    // Biden's photo upscaled to an uncompressed PNG of about 13 MB, over the 10 MB upload limit.
    const big = await sharp(photoBytes(photos.biden)).resize({ width: 1400 }).png({ compressionLevel: 0 }).toBuffer();
    expect(big.byteLength).toBeGreaterThan(limits.maxUploadBytes);
    await homePage.goto();
    await homePage.chooseFile({ name: 'biden-huge.png', mimeType: 'image/png', buffer: big });
    await expect(homePage.page.getByText('will be shrunk before upload')).toBeVisible();
    await resultPage.waitForResult();
    await resultPage.expectCelebrities(photos.biden.celebrities, photos.biden.faces);
  });

  test('a small photo is shown enlarged, its face box enlarged with it', async ({ homePage, resultPage, page }) => {
    const small = await sharp(photoBytes(photos.biden)).resize({ width: 120 }).jpeg().toBuffer();
    await homePage.goto();
    await homePage.chooseFile({ name: 'biden-small.jpg', mimeType: 'image/jpeg', buffer: small });
    await resultPage.waitForResult();
    const shown = await page.locator('figure img').first().boundingBox();
    const box = await resultPage.boxes.first().boundingBox();
    // 120 px wide as stored (its long side under 360 px), shown with its long side at 360 px, the box within it.
    expect(Math.max(shown?.width ?? 0, shown?.height ?? 0)).toBeGreaterThanOrEqual(355);
    expect(box && shown && box.x >= shown.x && box.x + box.width <= shown.x + shown.width + 1).toBe(true);
    expect(box?.width).toBeGreaterThan(0.2 * (shown?.width ?? Infinity));
  });

  test('hovering a card highlights its face box; copy link copies the page URL; the result is in recent results', async ({ homePage, resultPage, page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await homePage.goto();
    await homePage.chooseFile(photos.kitWithRose.path);
    await resultPage.waitForResult();

    const roseBox = resultPage.box(/^Rose Leslie,/);
    await expect(roseBox).toHaveAttribute('data-highlighted', 'false');
    await resultPage.card('Rose Leslie').hover();
    await expect(roseBox).toHaveAttribute('data-highlighted', 'true');
    await expect(resultPage.box(/^Kit Harington,/)).toHaveAttribute('data-highlighted', 'false');

    await resultPage.copyLink.click();
    await expect(page.getByText('Link copied')).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());

    const resultUrl = new URL(page.url()).pathname;
    await homePage.goto();
    await expect(homePage.recent.getByRole('link', { name: /Kit Harington, Rose Leslie/ })).toHaveAttribute('href', resultUrl);
    await saveScreenshot(page, 'home-recent');
  });
});
