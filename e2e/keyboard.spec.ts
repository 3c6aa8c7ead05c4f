import { expect, test } from './fixtures';
import { photos } from './support/photos';

test('keyboard only: open the file chooser (the upload starts at once), and reach a card that highlights its face', async ({ homePage, resultPage, page }) => {
  await homePage.goto();
  // Tab from the top of the page until the file input (behind "Choose a photo") has focus.
  for (let i = 0; i < 12 && !(await homePage.fileInput.evaluate((el) => el === document.activeElement)); i += 1) await page.keyboard.press('Tab');
  await expect(homePage.fileInput).toBeFocused();
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Space');
  await (await chooser).setFiles(photos.mindyKaling.path);
  await resultPage.waitForResult();
  await resultPage.expectCelebrities(photos.mindyKaling.celebrities, photos.mindyKaling.faces);

  const nameLink = resultPage.card('Mindy Kaling').getByRole('link', { name: 'Mindy Kaling' });
  for (let i = 0; i < 20 && !(await nameLink.evaluate((el) => el === document.activeElement)); i += 1) await page.keyboard.press('Tab');
  await expect(nameLink).toBeFocused();
  await expect(resultPage.box(/^Mindy Kaling,/)).toHaveAttribute('data-highlighted', 'true');
});
