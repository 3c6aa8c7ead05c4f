import { expect, type Locator, type Page } from '@playwright/test';

/** The shareable result page /r/{id}. */
export class ResultPage {
  readonly heading: Locator;
  readonly boxes: Locator;
  readonly recognizedBoxes: Locator;
  readonly unrecognizedBoxes: Locator;
  readonly cards: Locator;
  readonly copyLink: Locator;
  readonly unrecognizedCount: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.boxes = page.getByRole('list', { name: 'Faces in the photo' }).getByRole('listitem');
    this.recognizedBoxes = page.getByRole('list', { name: 'Faces in the photo' }).locator('li[data-recognized="true"]');
    this.unrecognizedBoxes = page.getByRole('list', { name: 'Faces in the photo' }).getByRole('listitem', { name: 'Unrecognized face', exact: true });
    this.cards = page.getByRole('list', { name: 'Recognized celebrities' }).getByRole('article');
    this.copyLink = page.getByRole('button', { name: 'Copy link' });
    this.unrecognizedCount = page.getByTestId('unrecognized-count');
  }

  async waitForResult(): Promise<void> {
    await expect(this.page).toHaveURL(/\/r\/[A-Za-z0-9_-]{22}$/, { timeout: 45_000 });
    await expect(this.boxes.first()).toBeVisible();
  }

  card(name: string): Locator {
    return this.cards.filter({ has: this.page.getByRole('heading', { name }) });
  }

  box(label: string | RegExp): Locator {
    return this.page.getByRole('list', { name: 'Faces in the photo' }).getByRole('listitem', { name: label });
  }

  /** Exactly these celebrities named (cards and boxes), and `faces` boxes in all. */
  async expectCelebrities(names: string[], faces: number): Promise<void> {
    await expect(this.cards).toHaveCount(names.length);
    for (const name of names) {
      await expect(this.card(name)).toBeVisible();
      await expect(this.box(new RegExp(`^${name}, \\d+(\\.\\d)? % match$`))).toHaveCount(1);
    }
    await expect(this.boxes).toHaveCount(faces);
    await expect(this.recognizedBoxes).toHaveCount(names.length);
  }

  /** The card's outbound link: the given IMDb page, or a Google search for the name when none is known. */
  async expectProfileLink(name: string, imdb: string | undefined): Promise<void> {
    const card = this.card(name);
    if (imdb) {
      await expect(card.getByRole('link', { name: /^IMDb/ })).toHaveAttribute('href', imdb);
    } else {
      await expect(card.getByRole('link', { name: /^Search Google/ })).toHaveAttribute('href', `https://www.google.com/search?q=${encodeURIComponent(name)}`);
    }
  }
}
