import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { expect, test } from './fixtures';
import { saveScreenshot } from './support/screenshots';

test.describe('friendly errors on the home page', () => {
  test.beforeEach(async ({ homePage }) => {
    await homePage.goto();
  });

  test('a file that is not an image type', async ({ homePage }) => {
    await homePage.chooseFile({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just some notes') });
    await homePage.expectProblem('That file is not a supported photo');
    // Refused in the browser: nothing was previewed or sent.
    await expect(homePage.preview).toHaveCount(0);
  });

  test('a text file named like a photo is caught by the server', async ({ homePage, page }) => {
    await homePage.chooseFile({ name: 'holiday.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not really a JPEG') });
    await homePage.expectProblem('That file is not a photo we can read');
    await expect(page).toHaveURL('/');
    await saveScreenshot(page, 'home-error');
  });

  test('an empty file', async ({ homePage }) => {
    await homePage.chooseFile({ name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) });
    await homePage.expectProblem('That file is empty');
  });

  test('a file too large even to shrink', async ({ homePage }, testInfo) => {
    // Past Playwright's 50 MB in-memory limit, so it goes through a real file on disk.
    const path = testInfo.outputPath('huge.jpg');
    const huge = Buffer.alloc(51 * 1024 * 1024, 0x55);
    huge.set([0xff, 0xd8, 0xff, 0xe0]);
    await writeFile(path, huge);
    await homePage.chooseFile(path);
    await homePage.expectProblem('That photo is too large');
  });

  test('an image too small to hold a face', async ({ homePage }) => {
    const tiny = await sharp({ create: { width: 60, height: 60, channels: 3, background: '#c08040' } }).png().toBuffer();
    await homePage.chooseFile({ name: 'tiny.png', mimeType: 'image/png', buffer: tiny });
    await homePage.expectProblem('That image is too small');
  });

  test('a photo without any face', async ({ homePage, page }) => {
    // A smooth colour gradient: a real image, with nothing face-like in it.
    const width = 640;
    const height = 400;
    const pixels = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) pixels.set([Math.round((x / width) * 255), Math.round((y / height) * 255), 180], (y * width + x) * 3);
    }
    const gradient = await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg().toBuffer();
    await homePage.chooseFile({ name: 'gradient.jpg', mimeType: 'image/jpeg', buffer: gradient });
    await homePage.expectProblem('No faces found');
    await expect(page).toHaveURL('/');
    // The same photo would find no face again: no retry is offered.
    await expect(homePage.retryButton).toHaveCount(0);
  });
});

test('an unknown result id shows the 404 page', async ({ page }) => {
  const response = await page.goto('/r/AAAAAAAAAAAAAAAAAAAAAA');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('We can’t find that result');
  await expect(page.getByRole('link', { name: 'Recognize a photo' })).toHaveAttribute('href', '/');
  await saveScreenshot(page, 'not-found');
});
