import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';
import { AddPersonPage, ResultAdminParts, SignInPage, adminHeaders, findPersonByName, removePersonNamed, signInByApi } from './pages/admin-pages';
import type { FilePayload } from './pages/home-page';
import { datasetPath, e2eAdminToken } from './support/paths';
import { photos } from './support/photos';
import { saveScreenshot } from './support/screenshots';

/**
 * The admin area (docs/admin.md) against the e2e server (ADMIN_TOKEN set, the 46-person gallery, pack off).
 * The people added here are in none of the gallery's sets: The Walking Dead's actors, whose photos come from
 * raw/opencv4nodejs_twd. Every test removes what it added, so the other specs see the gallery unchanged.
 */
const TWD = 'raw/opencv4nodejs_twd/data/face-recognition/imgs';
const twd = (file: string): FilePayload => ({ name: file, mimeType: 'image/jpeg', buffer: readFileSync(datasetPath(`${TWD}/${file}`)) });
const ANDREW = 'Andrew Lincoln';
const NORMAN = 'Norman Reedus';

async function upload(request: APIRequestContext, photo: FilePayload): Promise<{ id: string; names: string[] }> {
  const response = await request.post('/api/recognitions', { multipart: { image: photo } });
  expect(response.status()).toBe(201);
  const body = (await response.json()) as { id: string; result: { CelebrityFaces: Array<{ Name: string }> } };
  return { id: body.id, names: body.result.CelebrityFaces.map((c) => c.Name) };
}

test.describe('admin area', () => {
  test('signed out, admin pages redirect to sign-in; a wrong token is refused; the right one signs in', async ({ page }) => {
    for (const path of ['/admin', '/admin/people/new']) {
      await page.goto(path);
      await expect(page).toHaveURL(`/admin/sign-in?next=${encodeURIComponent(path)}`);
    }
    const signIn = new SignInPage(page);
    await expect(signIn.heading).toHaveText('Admin sign-in');
    await saveScreenshot(page, 'admin-sign-in');
    await signIn.signIn('not-the-admin-token');
    await expect(signIn.alert).toHaveText('That is not the admin token.');
    expect(page.url()).not.toContain('not-the-admin-token');
    await signIn.signIn(e2eAdminToken);
    await expect(page).toHaveURL('/admin/people/new');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'cf_admin');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(e2eAdminToken);

    await page.goto('/admin?q=Obama');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('People');
    await expect(page.getByRole('list', { name: 'People' }).getByRole('link', { name: 'Barack Obama' })).toBeVisible();
    await saveScreenshot(page, 'admin-people');

    await page.getByRole('navigation', { name: 'Admin' }).getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL('/');
    await page.goto('/admin');
    await expect(page).toHaveURL(/\/admin\/sign-in/);
  });

  test('the admin API answers 401 without a token or with a wrong one, and nothing changes', async ({ request }) => {
    const before = await request.get('/api/admin/people?q=Lincoln', { headers: adminHeaders() });
    expect((await before.json()) as { total: number }).toMatchObject({ total: 0 });
    const form = { name: ANDREW, photos: twd('rick1.jpg') };
    const missing = await request.post('/api/admin/people', { multipart: form });
    expect(missing.status()).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect((await request.post('/api/admin/people', { multipart: form, headers: adminHeaders('wrong-token-0000000000') })).status()).toBe(401);
    expect((await request.get('/api/admin/people')).status()).toBe(401);
    const obama = await findPersonByName(request, 'Barack Obama');
    expect((await request.patch(`/api/admin/people/${obama!.id}`, { data: { name: 'Someone Else' } })).status()).toBe(401);
    expect((await request.delete(`/api/admin/people/${obama!.id}`)).status()).toBe(401);
    const after = await request.get('/api/admin/people?q=Lincoln', { headers: adminHeaders() });
    expect((await after.json()) as { total: number }).toMatchObject({ total: 0 });
    expect(await findPersonByName(request, 'Barack Obama')).toEqual(obama);
  });

  test('add a person by pasting a photo, see its face before saving; a later photo of them is recognized', async ({ page, request }) => {
    await signInByApi(page);
    const add = new AddPersonPage(page);
    try {
      await add.goto();
      await add.name.fill(ANDREW);
      await add.url.fill('https://www.imdb.com/name/nm0511088/');
      await add.pastePhoto(twd('rick1.jpg'));
      await add.pickPhotos([twd('rick3.jpg')]);
      await expect(add.photos).toHaveCount(2);
      for (const n of [1, 2]) {
        await expect(add.photo(n)).toContainText('One face found.');
        await expect(add.photo(n).getByRole('img', { name: `The face that will be saved from photo ${n}` })).toBeVisible();
      }
      await saveScreenshot(page, 'admin-add-person');
      await add.save.click();
      await expect(page).toHaveURL(/\/admin\/people\/[0-9A-Za-z]+$/);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ANDREW);
      await expect(page.getByRole('heading', { name: '2 face samples' })).toBeVisible();
      await expect(page.getByRole('list', { name: 'Face samples by origin' })).toHaveText('added here: 2');
      await expect(page.getByRole('list', { name: 'Face samples', exact: true }).getByRole('listitem')).toHaveCount(2);
      await saveScreenshot(page, 'admin-person');

      const later = await upload(request, twd('rick4.jpg'));
      expect(later.names).toEqual([ANDREW]);
      await page.goto(`/r/${later.id}`);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ANDREW);
      await expect(page.getByRole('link', { name: /^IMDb/ })).toHaveAttribute('href', 'https://www.imdb.com/name/nm0511088/');
    } finally {
      await removePersonNamed(request, ANDREW);
    }
    expect((await upload(request, twd('rick4.jpg'))).names).toEqual([]);
  });

  test('name an unknown face from a result page: the page shows the name, and later photos of them are recognized', async ({ page, request, homePage, resultPage }) => {
    try {
      await signInByApi(page);
      await homePage.goto();
      await homePage.chooseFile(datasetPath(`${TWD}/daryl1.jpg`));
      await resultPage.waitForResult();
      await expect(resultPage.heading).toHaveText('No celebrities recognized');
      const admin = new ResultAdminParts(page);
      const face = admin.unrecognizedFace(1);
      await face.getByRole('button', { name: /^Name this face/ }).click();
      await face.getByLabel('Who is this?').fill(NORMAN);
      await saveScreenshot(page, 'admin-name-face');
      await face.getByRole('button', { name: 'Save' }).click();
      await expect(resultPage.heading).toHaveText(NORMAN);
      await resultPage.expectCelebrities([NORMAN], 1);
      await saveScreenshot(page, 'admin-named-face');

      const person = await findPersonByName(request, NORMAN);
      expect(person?.samples).toBe(1);
      expect((await upload(request, twd('daryl3.jpg'))).names).toEqual([NORMAN]);
    } finally {
      await removePersonNamed(request, NORMAN);
    }
  });

  test('"This is not X" on a result page: the face is kept as a negative sample and the same photo is not named X again', async ({ page, request, resultPage }) => {
    const obama = await findPersonByName(request, 'Barack Obama');
    const first = await upload(request, { name: photos.obama.name, mimeType: photos.obama.mimeType, buffer: readFileSync(photos.obama.path) });
    expect(first.names).toEqual(['Barack Obama']);
    let negative: string | undefined;
    try {
      await signInByApi(page);
      await page.goto(`/r/${first.id}`);
      await page.getByRole('button', { name: 'This is not Barack Obama' }).click();
      await expect(resultPage.heading).toHaveText('No celebrities recognized');
      await expect(resultPage.unrecognizedBoxes).toHaveCount(1);
      const detail = (await (await request.get(`/api/admin/people/${obama!.id}`, { headers: adminHeaders() })).json()) as { negatives: number; operatorSamples: Array<{ id: string; negative: boolean }> };
      expect(detail.negatives).toBe(1);
      negative = detail.operatorSamples.find((s) => s.negative)?.id;
      expect((await upload(request, { name: `again-${basename(photos.obama.path)}`, mimeType: 'image/jpeg', buffer: readFileSync(photos.obama.path) })).names).toEqual([]);
    } finally {
      if (negative) expect((await request.delete(`/api/admin/people/${obama!.id}/samples/${negative}`, { headers: adminHeaders() })).status()).toBe(200);
    }
    expect((await upload(request, { name: 'obama.jpg', mimeType: 'image/jpeg', buffer: readFileSync(photos.obama.path) })).names).toEqual(['Barack Obama']);
  });
});

test.describe('lookalikes', () => {
  test('a stranger gets "looks a bit like" with three people and a similarity, never as a recognition or in the title', async ({ page, request, resultPage }) => {
    const { id } = await upload(request, { name: photos.lady.name, mimeType: photos.lady.mimeType, buffer: readFileSync(photos.lady.path) });
    await page.goto(`/r/${id}`);
    await expect(resultPage.heading).toHaveText('No celebrities recognized');
    const admin = new ResultAdminParts(page);
    const people = admin.lookalikes('Unrecognized face 1');
    await expect(people).toHaveCount(3);
    for (const person of await people.all()) await expect(person).toHaveText(/^.+\d+ % similar$/);
    await expect(resultPage.recognizedBoxes).toHaveCount(0);
    await expect(resultPage.cards).toHaveCount(0);
    await expect(page).toHaveTitle('No celebrities recognized · Celebrity Finder');
    await expect(page.locator('meta[property="og:title"]')).toHaveAttribute('content', 'No celebrities recognized');
    // Signed out: no admin controls.
    await expect(page.getByRole('button', { name: /^Name this face/ })).toHaveCount(0);
    await saveScreenshot(page, 'result-lookalikes');
  });

  test('a visitor can ask who a recognized face looks like', async ({ page, request, resultPage }) => {
    const { id } = await upload(request, { name: photos.biden.name, mimeType: photos.biden.mimeType, buffer: readFileSync(photos.biden.path) });
    await page.goto(`/r/${id}`);
    await resultPage.expectCelebrities(['Joe Biden'], 1);
    const others = new ResultAdminParts(page).lookalikes('The face named Joe Biden');
    await expect(others.first()).toBeHidden();
    await page.getByText('Who else do they look like?').click();
    await expect(others).toHaveCount(3);
    await expect(others.filter({ hasText: 'Joe Biden' })).toHaveCount(0);
  });
});
