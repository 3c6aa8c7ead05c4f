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
  homePage: async ({ page }, provide) => {
    await provide(new HomePage(page));
  },
  resultPage: async ({ page }, provide) => {
    await provide(new ResultPage(page));
  },
  // Playwright fixtures take their dependencies as an object pattern, here none.
  payload: async ({}, provide) => {
    await provide((photo) => ({ name: photo.name, mimeType: photo.mimeType, buffer: photoBytes(photo) }));
  },
});
