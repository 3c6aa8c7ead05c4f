import { expect, type Locator, type Page } from '@playwright/test';

export interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** The home page: pick, drop or paste a photo; it is sent for recognition at once. */
/** A real ClipboardEvent('paste') whose clipboardData holds `file`, dispatched on the page body (bubbling, as a user's Ctrl+V). */
export async function pasteOnBody(page: Page, file: FilePayload): Promise<void> {
  await page.evaluate(
    ({ base64, name, mimeType }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const clipboardData = new DataTransfer();
      clipboardData.items.add(new File([bytes], name, { type: mimeType }));
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
    },
    { base64: file.buffer.toString('base64'), name: file.name, mimeType: file.mimeType },
  );
}

export class HomePage {
  readonly heading: Locator;
  readonly chooseButton: Locator;
  readonly fileInput: Locator;
  readonly dropZone: Locator;
  readonly retryButton: Locator;
  readonly preview: Locator;
  readonly alert: Locator;
  readonly recent: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.chooseButton = page.getByText(/Choose (a|another) photo/);
    this.fileInput = page.getByLabel(/Choose (a|another) photo/);
    this.dropZone = page.getByTestId('drop-zone');
    this.retryButton = page.getByRole('button', { name: 'Try again' });
    this.preview = page.getByRole('img', { name: 'Preview of the chosen photo' });
    this.alert = page.getByRole('region', { name: 'Upload a photo' }).getByRole('alert');
    this.recent = page.getByRole('region', { name: 'Your recent results' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/');
    await expect(this.heading).toHaveText('Who’s in this photo?');
  }

  /** Through the real file chooser dialog, opened by clicking "Choose a photo". */
  async chooseFile(file: string | FilePayload): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.chooseButton.click();
    await (await chooser).setFiles(file);
  }

  /** A drop carrying a File built in the page from the photo's bytes, as a browser makes one from the desktop. */
  async dropFile(file: FilePayload): Promise<void> {
    const dataTransfer = await this.page.evaluateHandle(
      ({ base64, name, mimeType }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, { type: mimeType }));
        return transfer;
      },
      { base64: file.buffer.toString('base64'), name: file.name, mimeType: file.mimeType },
    );
    await this.dropZone.dispatchEvent('dragenter', { dataTransfer });
    await this.dropZone.dispatchEvent('dragover', { dataTransfer });
    await this.dropZone.dispatchEvent('drop', { dataTransfer });
  }

  /** A real ClipboardEvent('paste') whose clipboardData holds the photo, dispatched on the page body. */
  async pasteFile(file: FilePayload): Promise<void> {
    await pasteOnBody(this.page, file);
  }

  async expectProblem(title: string | RegExp): Promise<void> {
    await expect(this.alert).toBeVisible();
    await expect(this.alert).toContainText(title);
  }
}
