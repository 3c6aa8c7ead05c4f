import 'server-only';
import { inspectUpload, maxStoredSide, toStoredPhoto, type InspectedUpload, type NormalizedImage } from '../images/normalize';
import { getRecognizer, type Recognizer } from '../recognizer';
import { newDeleteToken } from '../security/delete-token';
import { getStore, type StoredRecognition } from '../store';
import type { RecognizeCelebritiesResult } from '../contract/rekognition';
import type { FaceLookalikes } from '../contract/lookalikes';
import type { LocalRecognizer } from '../recognizer/local';
import { metrics } from '../observability/metrics';
import { admit, counted } from './admission';

/** Where an upload's time went, for the Server-Timing header (milliseconds). */
export interface UploadTimings {
  /** Waiting for a recognition slot. */
  queueMs: number;
  /** Header check, recognition and the photo to store (side by side where they can be). */
  recognizeMs: number;
  /** Photo file and result row, both durable. */
  storeMs: number;
}

type Recognized = { image: NormalizedImage; result: RecognizeCelebritiesResult; lookalikes?: FaceLookalikes };

/** Our engine also gives each face's nearest people ("looks a bit like"), kept with the result for its page. */
function recognizeWithLookalikes(recognizer: Recognizer, upload: Uint8Array): Promise<{ result: RecognizeCelebritiesResult; lookalikes?: FaceLookalikes }> {
  const local = recognizer as Partial<LocalRecognizer>;
  if (local.recognizeWithLookalikes) return local.recognizeWithLookalikes(upload, { attributes: false });
  return recognizer.recognizeCelebrities(upload, { attributes: false }).then((result) => ({ result }));
}

/**
 * Our engine reads the upload itself, turned upright by its EXIF orientation as the stored photo is, so its
 * boxes (ratios of the upright photo) line up with the stored photo: the two run side by side, and the
 * upload waits for the longer of them instead of both. The store step's error wins: it is the one that
 * explains a damaged file.
 */
async function recognizeBesideStoring(recognizer: Recognizer, upload: Uint8Array, inspected: InspectedUpload): Promise<Recognized> {
  const [image, recognized] = await Promise.allSettled([toStoredPhoto(upload, inspected), recognizeWithLookalikes(recognizer, upload)]);
  if (image.status === 'rejected') throw image.reason;
  if (recognized.status === 'rejected') throw recognized.reason;
  return { image: image.value, ...recognized.value };
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
export async function uploadPhoto(upload: Uint8Array): Promise<StoredRecognition & { deleteToken: string; timings: UploadTimings }> {
  const received = performance.now();
  let started = received;
  // Admission before decoding: under overload the re-encode is CPU work too, so it waits in the same queue.
  const { image, result, lookalikes, recognizer } = await counted('upload', admit(async () => {
    started = performance.now();
    const inspected = await inspectUpload(upload);
    const recognizer = await getRecognizer();
    // A photo larger than it is stored is recognized on the smaller copy: the engine's memory stays bounded.
    const fitsAsIs = Math.max(inspected.width, inspected.height) <= maxStoredSide;
    const recognize = recognizer.kind === 'local' && fitsAsIs ? recognizeBesideStoring : recognizeStoredPhoto;
    return { recognizer, ...(await recognize(recognizer, upload, inspected)) };
  }), (recognized) => recognized.result);
  const recognized = performance.now();
  const { token, hash } = newDeleteToken();
  const stored = await getStore().save({ recognizer: recognizer.kind, result, image, lookalikes, deleteTokenHash: hash });
  const timings = { queueMs: started - received, recognizeMs: recognized - started, storeMs: performance.now() - recognized };
  const { stageDuration } = metrics();
  stageDuration.observe({ stage: 'queue' }, timings.queueMs / 1000);
  stageDuration.observe({ stage: 'recognize' }, timings.recognizeMs / 1000);
  stageDuration.observe({ stage: 'store' }, timings.storeMs / 1000);
  return { ...stored, deleteToken: token, timings };
}
