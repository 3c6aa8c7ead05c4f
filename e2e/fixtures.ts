import { test as base } from '@playwright/test';
import { HomePage } from './pages/home-page';
import { ResultPage } from './pages/result-page';
import { photoBytes, type TestPhoto } from './support/photos';

export { expect } from '@playwright/test';

type Fixtures = {
  homePage: HomePage;
  resultPage: ResultPage;
  /** A dataset photo as a Playwright file payload. */
  payload: (photo: TestPhoto) => { name: string; mimeType: string; buffer: Buffer };
};

export const test = base.extend<Fixtures>({
  homePage: async ({ page }, use) => {
    await use(new HomePage(page));
  },
  resultPage: async ({ page }, use) => {
    await use(new ResultPage(page));
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as a pattern
  payload: async ({}, use) => {
    await use((photo) => ({ name: photo.name, mimeType: photo.mimeType, buffer: photoBytes(photo) }));
  },
});
