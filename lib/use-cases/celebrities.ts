import 'server-only';
import { AppError } from '../errors';
import { getRecognizer, type Recognizer } from '../recognizer';
import type { CelebrityPage, LocalRecognizer } from '../recognizer/local';
import { celebrityIdSchema, type CelebrityInfo } from '../contract/rekognition';

export type CelebrityDetails = CelebrityInfo & { Id: string };

/**
 * GetCelebrityInfo on the configured recognizer, for the celebrity API and page. A malformed id is
 * answered as not found without asking the recognizer (it cannot exist, and AWS would bill the call).
 */
export async function getCelebrity(id: string): Promise<CelebrityDetails> {
  if (!celebrityIdSchema.safeParse(id).success) throw new AppError('not_found', 'No celebrity with this id.');
  const recognizer = await getRecognizer();
  const info = await recognizer.getCelebrityInfo(id);
  return { Id: id, ...info };
}

function canList(recognizer: Recognizer): recognizer is LocalRecognizer {
  return typeof (recognizer as Partial<LocalRecognizer>).listCelebrities === 'function';
}

/** A page of the local gallery's celebrities, or null when the recognizer (Rekognition) cannot list its own. */
export async function listKnownCelebrities(options: { query?: string; page?: number; pageSize?: number }): Promise<CelebrityPage | null> {
  const recognizer = await getRecognizer();
  return canList(recognizer) ? recognizer.listCelebrities(options) : null;
}
