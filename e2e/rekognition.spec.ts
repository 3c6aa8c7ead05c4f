import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { datasetsDir } from '../test/rekognition/datasets';
import { LOCAL_PORT } from './rekognition-stack';

/**
 * The browser talks to the RECOGNIZER=rekognition instance; every recognition goes through the AWS SDK
 * to the local-engine instance's /api/rekognition (see e2e/rekognition-stack.ts).
 */
const photo = (path: string) => resolve(datasetsDir, 'raw/face_recognition_ageitgey/examples', path);

test('upload → result page → celebrity page, recognized through the Rekognition SDK path', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Choose a photo').setInputFiles(photo('knn_examples/test/kit_with_rose.jpg'));

  await expect(page).toHaveURL(/\/r\/[^/]+$/, { timeout: 45_000 });
  const kit = page.getByRole('article', { name: 'Kit Harington' });
  await expect(kit).toBeVisible();
  await expect(page.getByRole('article', { name: 'Rose Leslie' })).toBeVisible();
  await expect(kit.getByRole('link', { name: /IMDb/ })).toHaveAttribute('href', 'https://www.imdb.com/name/nm3229685/');

  await kit.getByRole('link', { name: 'Kit Harington', exact: true }).click();
  await expect(page).toHaveURL(/\/celebrities\/[0-9A-Za-z]+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Kit Harington' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'IMDb' })).toHaveAttribute('href', 'https://www.imdb.com/name/nm3229685/');
});

test('a WebP upload is converted for Rekognition and still recognized', async ({ page }) => {
  const sharp = (await import('sharp')).default;
  const webp = await sharp(photo('knn_examples/test/obama1.jpg')).webp().toBuffer();
  await page.goto('/');
  await page.getByLabel('Choose a photo').setInputFiles({ name: 'obama.webp', mimeType: 'image/webp', buffer: webp });
  await expect(page).toHaveURL(/\/r\/[^/]+$/, { timeout: 45_000 });
  await expect(page.getByRole('article', { name: 'Barack Obama' })).toBeVisible();
});

test('the celebrity API maps the SDK\'s ResourceNotFoundException for an unknown id to 404', async ({ request }) => {
  const unknown = await request.get('/api/celebrities/Zz9NoSuchCelebrity');
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.code).toBe('not_found');
});

test('/celebrities explains that Rekognition does not publish its list', async ({ page }) => {
  await page.goto('/celebrities');
  await expect(page.getByText(/does not publish its list/)).toBeVisible();
});

test('/celebrities on the local instance lists and searches who it knows: the pack and the imported people', async ({ page }) => {
  await page.goto(`http://127.0.0.1:${LOCAL_PORT}/celebrities?q=zendaya`);
  await expect(page.getByRole('link', { name: /Zendaya/ })).toBeVisible(); // from the shipped pack only
  await page.goto(`http://127.0.0.1:${LOCAL_PORT}/celebrities`);
  await expect(page.getByText(/^\d,\d{3} celebrities$/)).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search by name' }).fill('rose');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/celebrities\?q=rose$/);
  await expect(page.getByRole('link', { name: /Rose Leslie/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /Kit Harington/ })).toHaveCount(0);
  await page.getByRole('link', { name: /Rose Leslie/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Rose Leslie' })).toBeVisible();
});
