import 'server-only';
import { normalizeImage } from '../images/normalize';
import { getRecognizer } from '../recognizer';
import { newDeleteToken } from '../security/delete-token';
import { getStore } from './index';
import type { StoredRecognition } from './types';

/**
 * The upload use case: validate and re-encode the photo (upright, no EXIF), recognize the celebrities on
 * exactly those pixels so the boxes line up with the stored photo, then store both, with the hash of a new
 * delete token. The token itself is returned once, for the uploader only. Throws AppError.
 */
export async function recognizeAndStore(upload: Uint8Array): Promise<StoredRecognition & { deleteToken: string }> {
  const image = await normalizeImage(upload);
  const recognizer = await getRecognizer();
  const result = await recognizer.recognizeCelebrities(image.bytes);
  const { token, hash } = newDeleteToken();
  const stored = await getStore().save({ recognizer: recognizer.kind, result, image, deleteTokenHash: hash });
  return { ...stored, deleteToken: token };
}
