import 'server-only';
import { getConfig } from '../config';
import { AppError } from '../errors';
import { cropFaces, type RgbPixels } from '../images/crop';
import { inspectUpload, maxStoredSide, toStoredPhoto, type InspectedUpload, type NormalizedImage } from '../images/normalize';
import { getRecognizer, type Recognizer } from '../recognizer';
import { newDeleteToken } from '../security/delete-token';
import { getStore, type StoredRecognition } from '../store';
import type { RecognizeCelebritiesResult } from '../contract/rekognition';
import type { FaceLookalikes } from '../contract/lookalikes';
import type { LocalRecognizer } from '../recognizer/local';
import { metrics } from '../observability/metrics';
import { robustnessMetrics } from '../observability/robustness-metrics';
import { admitLargePhoto, counted, enterAdmission } from './admission';

/** Where an upload's time went, for the Server-Timing header (milliseconds). */
export interface UploadTimings {
  /** The body arriving (after admission). */
  readMs: number;
  /** Waiting for a recognition slot. */
  queueMs: number;
  /** Recognition, the photo to store and its face crops (side by side where they can be). */
  recognizeMs: number;
  /** Photo file, face crops and result row, all on disk. */
  storeMs: number;
}

type Recognized = { image: NormalizedImage; result: RecognizeCelebritiesResult; lookalikes?: FaceLookalikes; pixels?: RgbPixels & { release(): void } };

/**
 * Our engine also gives each face's nearest people ("looks a bit like"), kept with the result for its page,
 * and the upright pixels it decoded: the face thumbnails are cut from them, so the photo is decoded once.
 */
function recognizeWithLookalikes(recognizer: Recognizer, upload: Uint8Array): Promise<Omit<Recognized, 'image'>> {
  const local = recognizer as Partial<LocalRecognizer>;
  if (local.recognizeWithLookalikes) return local.recognizeWithLookalikes(upload, { attributes: false, keepPixels: true });
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

/** The stored result's faces in its own order (celebrities first, then unrecognized faces): the crops' order. */
function boxesOf(result: RecognizeCelebritiesResult) {
  return [...result.CelebrityFaces.map((c) => c.Face.BoundingBox), ...result.UnrecognizedFaces.map((f) => f.BoundingBox)];
}

/** The body, within BODY_READ_TIMEOUT_MS (408 body_timeout) and as long as the client stays (cancelled). */
async function readWithin(read: (signal: AbortSignal) => Promise<Uint8Array>, clientSignal: AbortSignal | undefined): Promise<Uint8Array> {
  const timeoutMs = getConfig().BODY_READ_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = clientSignal ? AbortSignal.any([clientSignal, timeout]) : timeout;
  try {
    return await read(signal);
  } catch (error) {
    if (timeout.aborted && !clientSignal?.aborted) {
      robustnessMetrics().bodyTimeouts.inc();
      throw new AppError('body_timeout', `The photo did not arrive within ${Math.round(timeoutMs / 1000)} s. Please try again.`, { cause: error });
    }
    if (clientSignal?.aborted) throw new AppError('cancelled', 'The client went away while its photo was arriving.', { cause: error });
    throw error;
  }
}

export interface UploadRequest {
  /** The client the per-client limits count against (lib/http requestClient). */
  client: string;
  /** Aborts when the client goes away: a waiting or running recognition is cancelled. */
  signal?: AbortSignal;
  /** Reads the photo's bytes from the body; called only once the upload is admitted. */
  read: (signal: AbortSignal) => Promise<Uint8Array>;
  /** The body's size as declared (Content-Length; the largest accepted when chunked): what it holds of RECOGNITION_QUEUE_MB. */
  declaredBytes: number;
}

/**
 * The upload use case. Takes a place in the recognition queue before a byte of the body is read (a refused
 * upload costs the server its headers only), reads the photo, checks it from its header (type by magic
 * bytes, size, pixel budget, smallest side, JPEG scan count), then in a recognition slot, within the
 * deadline: recognizes the celebrities (no face attributes: the page shows none), makes the photo to store
 * (upright, without EXIF or GPS: stripped, or re-encoded) and the face crops the result page shows. A photo
 * without a face is not stored (422 no_face): nobody could find or delete it, and a celebrity finder has no
 * use for it. Otherwise photo, crops and result are stored with the hash of a new delete token; the token
 * itself is returned once, for the uploader only. Throws AppError.
 */
export async function uploadPhoto(request: UploadRequest): Promise<StoredRecognition & { deleteToken: string; timings: UploadTimings }> {
  const ticket = enterAdmission({ client: request.client, signal: request.signal, bytes: request.declaredBytes });
  try {
    const readStarted = performance.now();
    const upload = await readWithin(request.read, request.signal);
    const received = performance.now();
    let started = received;
    const recognizeInSlot = async (inspected: InspectedUpload) => {
      started = performance.now();
      const recognizer = await getRecognizer();
      // A photo larger than it is stored is recognized on the smaller copy: the engine's memory stays bounded.
      const fitsAsIs = Math.max(inspected.width, inspected.height) <= maxStoredSide;
      const recognize = recognizer.kind === 'local' && fitsAsIs ? recognizeBesideStoring : recognizeStoredPhoto;
      const { image, result, lookalikes, pixels } = await recognize(recognizer, upload, inspected);
      try {
        const boxes = boxesOf(result);
        if (boxes.length === 0) {
          throw new AppError('no_face', 'We could not find a face in this photo. Try one where faces are clear and facing the camera.');
        }
        // The crops are made here, inside the slot, so viewing a result never decodes a photo; from the
        // engine's pixels when it has them (the same upright pixels as the stored photo), else one decode.
        if (!pixels) robustnessMetrics().thumbnailDecodes.inc({ when: 'upload' });
        return { recognizer, image, result, lookalikes, thumbnails: await cropFaces(pixels ?? image.bytes, boxes) };
      } finally {
        pixels?.release();
      }
    };
    // The header check (no decode) runs before waiting for a slot: a photo that will be refused does not wait.
    const checkedAndRecognized = inspectUpload(upload).then((inspected) => {
      const inSlot = () => ticket.run(() => recognizeInSlot(inspected));
      return Math.max(inspected.width, inspected.height) > maxStoredSide ? admitLargePhoto(inSlot, request.signal) : inSlot();
    });
    const { image, result, lookalikes, recognizer, thumbnails } = await counted('upload', checkedAndRecognized, (recognized) => recognized.result);
    const recognized = performance.now();
    const { token, hash } = newDeleteToken();
    const stored = await getStore().save({ recognizer: recognizer.kind, result, image, lookalikes, thumbnails, deleteTokenHash: hash });
    const timings = { readMs: received - readStarted, queueMs: started - received, recognizeMs: recognized - started, storeMs: performance.now() - recognized };
    const { stageDuration } = metrics();
    stageDuration.observe({ stage: 'queue' }, timings.queueMs / 1000);
    stageDuration.observe({ stage: 'recognize' }, timings.recognizeMs / 1000);
    stageDuration.observe({ stage: 'store' }, timings.storeMs / 1000);
    return { ...stored, deleteToken: token, timings };
  } finally {
    ticket.release();
  }
}
