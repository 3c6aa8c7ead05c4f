import { e2eBaseUrl } from './support/paths';
import { gallerySources } from './support/gallery-sources';

/**
 * The web server built the gallery before starting (Playwright starts web servers before global setup);
 * here we only refuse to run the suite against a server whose gallery is missing people.
 */
export default async function globalSetup(): Promise<void> {
  const response = await fetch(`${e2eBaseUrl}/api/health`);
  const health = (await response.json()) as { status: string; gallery: { celebrities: number | null } };
  const expected = gallerySources().length;
  if (response.status !== 200 || health.status !== 'ok' || health.gallery.celebrities !== expected) {
    throw new Error(`e2e server not ready: HTTP ${response.status} ${JSON.stringify(health)} (expected ${expected} celebrities)`);
  }
}
