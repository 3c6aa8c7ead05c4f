import { expect, test } from './fixtures';
import { photos } from './support/photos';
import { saveScreenshot } from './support/screenshots';

test.describe('photos of people nobody enrolled', () => {
  for (const photo of [photos.lady, photos.strangersGroup]) {
    test(`${photo.name}: every face boxed as unrecognized, no celebrity named`, async ({ homePage, resultPage, page }) => {
      await homePage.goto();
      await homePage.chooseFile(photo.path);
      await resultPage.waitForResult();
      await expect(resultPage.heading).toHaveText('No celebrities recognized');
      await expect(resultPage.cards).toHaveCount(0);
      await expect(resultPage.boxes).toHaveCount(photo.faces);
      await expect(resultPage.unrecognizedBoxes).toHaveCount(photo.faces);
      await expect(resultPage.unrecognizedCount).toHaveText(photo.faces === 1 ? '1 face was not recognized' : `${photo.faces} faces were not recognized`);
      await saveScreenshot(page, `result-strangers-${photo.faces}`);
    });
  }
});
