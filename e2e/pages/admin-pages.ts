import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { e2eAdminToken } from '../support/paths';
import { pasteOnBody, type FilePayload } from './home-page';

/** Signs this browser context in through the API (the same cookie the sign-in form gets). */
export async function signInByApi(page: Page): Promise<void> {
  const response = await page.request.post('/api/admin/session', { data: { token: e2eAdminToken } });
  expect(response.status()).toBe(204);
}

/** The admin API with the bearer token, for set-up and clean-up around browser steps. */
export function adminHeaders(token = e2eAdminToken): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export async function findPersonByName(request: APIRequestContext, name: string): Promise<{ id: string; name: string; samples: number } | undefined> {
  const response = await request.get(`/api/admin/people?q=${encodeURIComponent(name)}`, { headers: adminHeaders() });
  expect(response.status()).toBe(200);
  const page = (await response.json()) as { items: Array<{ id: string; name: string; samples: number }> };
  return page.items.find((p) => p.name === name);
}

/** Removes a person the test added (no-op when they are not there). */
export async function removePersonNamed(request: APIRequestContext, name: string): Promise<void> {
  const person = await findPersonByName(request, name);
  if (person) expect((await request.delete(`/api/admin/people/${person.id}`, { headers: adminHeaders() })).status()).toBe(204);
}

export class SignInPage {
  readonly heading: Locator;
  readonly token: Locator;
  readonly submit: Locator;
  readonly alert: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.token = page.getByLabel('Admin token');
    this.submit = page.getByRole('button', { name: 'Sign in' });
    this.alert = page.getByRole('main').getByRole('alert');
  }

  async signIn(token: string): Promise<void> {
    await this.token.fill(token);
    await this.submit.click();
  }
}

/** /admin/people/new, and the "Add photos" form of a person page. */
export class AddPersonPage {
  readonly name: Locator;
  readonly url: Locator;
  readonly photos: Locator;
  readonly save: Locator;

  constructor(readonly page: Page) {
    this.name = page.getByLabel('Name', { exact: true });
    this.url = page.getByLabel(/IMDb or other page/);
    this.photos = page.getByRole('list', { name: 'Photos to save' }).getByRole('listitem', { name: /^Photo \d+$/ });
    this.save = page.getByRole('button', { name: 'Save person' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/admin/people/new');
    await expect(this.page.getByRole('heading', { level: 1 })).toHaveText('Add a person');
  }

  /** A real ClipboardEvent('paste') carrying the photo, dispatched on the page body. */
  async pastePhoto(file: FilePayload): Promise<void> {
    await pasteOnBody(this.page, file);
  }

  async pickPhotos(files: FilePayload[]): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.page.getByText('Choose photos').click();
    await (await chooser).setFiles(files);
  }

  photo(n: number): Locator {
    return this.page.getByRole('listitem', { name: `Photo ${n}`, exact: true });
  }
}

/** Result page parts only an admin sees, and the lookalikes everyone sees. */
export class ResultAdminParts {
  constructor(readonly page: Page) {}

  unrecognizedFace(n: number): Locator {
    return this.page.getByRole('article', { name: `Unrecognized face ${n}` });
  }

  lookalikes(faceLabel: string): Locator {
    return this.page.getByRole('list', { name: `${faceLabel} looks a bit like` }).getByRole('listitem');
  }
}
