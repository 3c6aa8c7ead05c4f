import 'server-only';
import { normalizeImage } from '../images/normalize';
import { getConfig } from '../config';
import { getRecognizer } from '../recognizer';
import { optOutFilter, redactOptedOut } from '../recognizer/opt-out';
import { getRecognitionQueue } from '../recognizer/queue';
import { newDeleteToken } from '../security/delete-token';
import { getStore } from './index';
import type { StoredRecognition } from './types';

/**
 * The upload use case: validate and re-encode the photo (upright, no EXIF), recognize the celebrities on
 * exactly those pixels so the boxes line up with the stored photo, then store both, with the hash of a new
 * delete token. The token itself is returned once, for the uploader only. Throws AppError.
 */
export async function recognizeAndStore(upload: Uint8Array): Promise<StoredRecognition & { deleteToken: string }> {
  // Admission before decoding: under overload the re-encode is CPU work too, so it waits in the same queue.
  const { image, result, recognizer } = await getRecognitionQueue(getConfig()).run(async () => {
    const image = await normalizeImage(upload);
    const recognizer = await getRecognizer();
    return { image, recognizer, result: await recognizer.recognizeCelebrities(image.bytes, { attributes: false }) }; // the page shows no attributes
  });
  const { token, hash } = newDeleteToken();
  const stored = await getStore().save({ recognizer: recognizer.kind, result, image, deleteTokenHash: hash });
  return { ...stored, deleteToken: token };
}

/** Ids the running local recognizer resolved from the opt-out list (empty for Rekognition or while it loads). */
async function resolvedOptOutIds(): Promise<ReadonlySet<string>> {
  try {
    const recognizer = (await Promise.race([getRecognizer(), new Promise<null>((done) => setTimeout(done, 50, null))])) as
      | (Awaited<ReturnType<typeof getRecognizer>> & { optedOutIds?: () => Promise<ReadonlySet<string>> })
      | null;
    return (await recognizer?.optedOutIds?.()) ?? new Set();
  } catch {
    return new Set();
  }
}

/**
 * A stored result as it may be shown now (pages, the API, face crops): people on the opt-out list are shown
 * as unrecognized faces, however long ago the result was stored. Null for an unknown id.
 */
export async function getRecognition(id: string): Promise<StoredRecognition | null> {
  const stored = await getStore().get(id);
  if (!stored) return null;
  const optedOut = await optOutFilter(await resolvedOptOutIds());
  return { ...stored, result: redactOptedOut(stored.result, optedOut) };
}
