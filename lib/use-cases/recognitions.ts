import 'server-only';
import { cropFaces } from '../images/crop';
import { recognizerWithin } from '../recognizer';
import { optOutFilter, redactOptedOut } from '../recognizer/opt-out';
import { deleteTokenFromHeaders, verifyDeleteToken } from '../security/delete-token';
import { getStore, type StoredRecognition } from '../store';
import { AppError } from '../errors';
import { log } from '../observability/log';
import { robustnessMetrics } from '../observability/robustness-metrics';
import { admit } from './admission';
import type { ComparedFace, RecognizeCelebritiesResult } from '../contract/rekognition';

/** The stored result's faces in its own order: celebrities first, then unrecognized faces. */
function facesOf(result: RecognizeCelebritiesResult): ComparedFace[] {
  return [...result.CelebrityFaces.map((c) => c.Face), ...result.UnrecognizedFaces];
}

/** Thumbnail sets being made in this process, so a page's several thumbnail requests share one decode. */
const making = new Map<string, Promise<Uint8Array[]>>();

/**
 * Every face thumbnail of a stored result that has none kept: uploads make them (lib/use-cases/upload-photo),
 * so only results stored before that, or whose crops were lost, get here. One decode of the photo makes
 * them all, admitted like a recognition (so views cannot spend more CPU than uploads may: under load they
 * get 503 busy), then kept beside the photo; later views decode nothing.
 */
function makeThumbnails(stored: StoredRecognition): Promise<Uint8Array[]> {
  let pending = making.get(stored.id);
  if (!pending) {
    pending = admit(async () => {
      const photo = await getStore().readImage(stored.id);
      if (!photo) return [];
      robustnessMetrics().thumbnailDecodes.inc({ when: 'view' });
      const thumbnails = await cropFaces(photo.bytes, facesOf(stored.result).map((face) => face.BoundingBox));
      await getStore().saveThumbnails(stored.id, thumbnails).catch((error: unknown) => log.error({ err: error, recognitionId: stored.id }, 'thumbnails not kept'));
      return thumbnails;
    }).finally(() => making.delete(stored.id));
    making.set(stored.id, pending);
  }
  return pending;
}

/**
 * Thumbnail of face `n` as a result page numbers them now (after the opt-out redaction): the kept one, or
 * the whole set made now (see makeThumbnails). Null for an unknown result or face.
 */
export async function getFaceThumbnail(id: string, n: number): Promise<Uint8Array | null> {
  const store = getStore();
  const stored = await store.get(id);
  const face = stored ? facesOf((await redacted(stored)).result)[n] : undefined;
  if (!stored || !face) return null;
  // Redaction moves faces but keeps their objects, so the face's place in the stored order is found by identity.
  const storedIndex = facesOf(stored.result).indexOf(face);
  return (await store.readThumbnail(id, storedIndex)) ?? (await makeThumbnails(stored))[storedIndex] ?? null;
}

/** Ids the running local recognizer resolved from the opt-out list (empty for Rekognition or while it loads). */
export async function resolvedOptOutIds(): Promise<ReadonlySet<string>> {
  // A page must not wait for model loading: a recognizer not ready within 50 ms adds nothing here.
  try {
    const recognizer = (await recognizerWithin(50)) as { optedOutIds?: () => Promise<ReadonlySet<string>> } | null;
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
  return stored && redacted(stored);
}

async function redacted(stored: StoredRecognition): Promise<StoredRecognition> {
  const optedOut = await optOutFilter(await resolvedOptOutIds());
  return { ...stored, result: redactOptedOut(stored.result, optedOut) };
}

/** The stored photo (upright, without metadata), or null for an unknown id. */
export function getRecognitionPhoto(id: string): Promise<{ bytes: Uint8Array; mimeType: string } | null> {
  return getStore().readImage(id);
}

/**
 * Deletes a result, its photo and thumbnails for the holder of its delete token (from the request headers).
 * Throws AppError: not_found for an unknown id, unauthorized without a token, forbidden with a wrong one.
 */
export async function deleteRecognition(id: string, headers: Headers): Promise<void> {
  const store = getStore();
  const hash = await store.getDeleteTokenHash(id);
  if (!hash && !(await store.get(id))) throw new AppError('not_found', 'No result with this id.');
  const token = deleteTokenFromHeaders(headers);
  if (!token) throw new AppError('unauthorized', 'Send the delete token as "Authorization: Bearer <token>".');
  if (!hash || !verifyDeleteToken(token, hash)) throw new AppError('forbidden', 'This delete token does not match the result.');
  await store.remove(id);
}
