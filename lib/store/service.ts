import 'server-only';
import { cropFaces } from '../images/crop';
import { inspectUpload, maxStoredSide, toStoredPhoto, type InspectedUpload, type NormalizedImage } from '../images/normalize';
import { getConfig } from '../config';
import { getRecognizer } from '../recognizer';
import { optOutFilter, redactOptedOut } from '../recognizer/opt-out';
import { getRecognitionQueue } from '../recognizer/queue';
import { newDeleteToken } from '../security/delete-token';
import { getStore } from './index';
import type { ComparedFace, RecognizeCelebritiesResult } from '../recognizer/schema';
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
 * Our engine reads the upload itself, turned upright by its EXIF orientation as the stored photo is, so its
 * boxes (ratios of the upright photo) line up with the stored photo: the two run side by side, and the
 * upload waits for the longer of them instead of both. The store step's error wins: it is the one that
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
 * The upload use case: validate the photo from its header, make the photo to store (upright, without EXIF
 * or GPS: stripped, or re-encoded) and recognize the celebrities in it (no face attributes: the page shows
 * none), then store both, with the hash of a new
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

/** The stored result's faces in its own order: celebrities first, then unrecognized faces. */
function facesOf(result: RecognizeCelebritiesResult): ComparedFace[] {
  return [...result.CelebrityFaces.map((c) => c.Face), ...result.UnrecognizedFaces];
}

/** Thumbnail sets being made in this process, so a page's several thumbnail requests share one decode. */
const making = new Map<string, Promise<Uint8Array[]>>();

/**
 * Every face thumbnail of a stored result, made from one decode of its photo the first time one is asked
 * for, then kept beside the photo: uploads pay nothing for them, and later page views decode nothing.
 */
function makeThumbnails(stored: StoredRecognition): Promise<Uint8Array[]> {
  let pending = making.get(stored.id);
  if (!pending) {
    pending = (async () => {
      const photo = await getStore().readImage(stored.id);
      if (!photo) return [];
      const thumbnails = await cropFaces(photo.bytes, facesOf(stored.result).map((face) => face.BoundingBox));
      await getStore().saveThumbnails(stored.id, thumbnails).catch((error: unknown) => console.error(`thumbnails of ${stored.id} not kept`, error));
      return thumbnails;
    })().finally(() => making.delete(stored.id));
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
async function resolvedOptOutIds(): Promise<ReadonlySet<string>> {
  // A page must not wait for model loading: a recognizer not ready within 50 ms adds nothing here.
  let timer: NodeJS.Timeout | undefined;
  try {
    const notReady = new Promise<null>((done) => (timer = setTimeout(done, 50, null)));
    const recognizer = (await Promise.race([getRecognizer(), notReady])) as
      | (Awaited<ReturnType<typeof getRecognizer>> & { optedOutIds?: () => Promise<ReadonlySet<string>> })
      | null;
    return (await recognizer?.optedOutIds?.()) ?? new Set();
  } catch {
    return new Set();
  } finally {
    clearTimeout(timer);
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
