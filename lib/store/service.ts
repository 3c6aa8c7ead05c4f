import 'server-only';
import { inspectUpload, maxStoredSide, toStoredPhoto, type InspectedUpload, type NormalizedImage } from '../images/normalize';
import { getConfig } from '../config';
import { getRecognizer } from '../recognizer';
import { optOutFilter, redactOptedOut } from '../recognizer/opt-out';
import { getRecognitionQueue } from '../recognizer/queue';
import { newDeleteToken } from '../security/delete-token';
import { getStore } from './index';
import type { RecognizeCelebritiesResult } from '../recognizer/schema';
import type { Recognizer } from '../recognizer/types';
import type { StoredRecognition } from './types';

/** Where an upload's time went, for the Server-Timing header (milliseconds). */
export interface UploadTimings {
  /** Waiting for a recognition slot. */
  queueMs: number;
  /** Header check, recognition and the photo to store (side by side where they can be). */
  recognizeMs: number;
  /** Photo file and result row, both durable. */
  storeMs: number;
}

type Recognized = { image: NormalizedImage; result: RecognizeCelebritiesResult };

/**
 * Our engine reads the upload itself, turned upright by its EXIF orientation as the re-encode turns it, so
 * its boxes (ratios of the upright photo) line up with the stored photo: the two run side by side, and the
 * upload waits for the longer of them instead of both. The re-encode's error wins: it is the one that
 * explains a damaged file.
 */
async function recognizeBesideStoring(recognizer: Recognizer, upload: Uint8Array, inspected: InspectedUpload): Promise<Recognized> {
  const [image, result] = await Promise.allSettled([toStoredPhoto(upload, inspected), recognizer.recognizeCelebrities(upload, { attributes: false })]);
  if (image.status === 'rejected') throw image.reason;
  if (result.status === 'rejected') throw result.reason;
  return { image: image.value, result: result.value };
}

/**
 * Rekognition does not apply EXIF orientation and takes JPEG or PNG only, and a photo over maxStoredSide is
 * shrunk first: these get the re-encoded photo.
 */
async function recognizeStoredPhoto(recognizer: Recognizer, upload: Uint8Array, inspected: InspectedUpload): Promise<Recognized> {
  const image = await toStoredPhoto(upload, inspected);
  return { image, result: await recognizer.recognizeCelebrities(image.bytes, { attributes: false }) };
}

/**
 * The upload use case: validate the photo from its header, re-encode it (upright, no EXIF) and recognize
 * the celebrities in it (no face attributes: the page shows none), then store both, with the hash of a new
 * delete token. The token itself is returned once, for the uploader only. Throws AppError.
 */
export async function recognizeAndStore(upload: Uint8Array): Promise<StoredRecognition & { deleteToken: string; timings: UploadTimings }> {
  const received = performance.now();
  let started = received;
  // Admission before decoding: under overload the re-encode is CPU work too, so it waits in the same queue.
  const { image, result, recognizer } = await getRecognitionQueue(getConfig()).run(async () => {
    started = performance.now();
    const inspected = await inspectUpload(upload);
    const recognizer = await getRecognizer();
    // A photo larger than it is stored is recognized on the smaller copy: the engine's memory stays bounded.
    const fitsAsIs = Math.max(inspected.width, inspected.height) <= maxStoredSide;
    const recognize = recognizer.kind === 'local' && fitsAsIs ? recognizeBesideStoring : recognizeStoredPhoto;
    return { recognizer, ...(await recognize(recognizer, upload, inspected)) };
  });
  const recognized = performance.now();
  const { token, hash } = newDeleteToken();
  const stored = await getStore().save({ recognizer: recognizer.kind, result, image, deleteTokenHash: hash });
  const timings = { queueMs: started - received, recognizeMs: recognized - started, storeMs: performance.now() - recognized };
  return { ...stored, deleteToken: token, timings };
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
