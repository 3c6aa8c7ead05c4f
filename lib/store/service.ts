import 'server-only';
import { normalizeImage } from '../images/normalize';
import { getRecognizer } from '../recognizer';
import { getStore } from './index';
import type { StoredRecognition } from './types';

/**
 * The upload use case: validate and re-encode the photo (upright, no EXIF), recognize the celebrities on
 * exactly those pixels so the boxes line up with the stored photo, then store both. Throws AppError.
 */
export async function recognizeAndStore(upload: Uint8Array): Promise<StoredRecognition> {
  const image = await normalizeImage(upload);
  const recognizer = await getRecognizer();
  const result = await recognizer.recognizeCelebrities(image.bytes);
  return getStore().save({ recognizer: recognizer.kind, result, image });
}
