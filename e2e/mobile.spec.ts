import { expect, test } from './fixtures';
import { photos } from './support/photos';
import { saveScreenshot } from './support/screenshots';

test('on a phone: pick a photo, read the result, no sideways scrolling', async ({ homePage, resultPage, page }) => {
  await homePage.goto();
  await saveScreenshot(page, 'home-mobile');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
  await homePage.chooseFile(photos.kitWithRose.path);
  await resultPage.waitForResult();
  await resultPage.expectCelebrities(photos.kitWithRose.celebrities, photos.kitWithRose.faces);
  await expect(resultPage.copyLink).toBeInViewport();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
  await saveScreenshot(page, 'result-mobile');
});
