import sharp, { type Metadata } from 'sharp';
import { AppError } from '../errors';
import { limits } from '../limits';
import { countJpegScans } from './jpeg-scans';
import { stripJpegMetadata } from './jpeg-strip';
import { sniffImageType, type ImageType } from './sniff';

/** A photo ready to store and recognize: upright JPEG without metadata, so stored boxes line up with it. */
export interface NormalizedImage {
  bytes: Uint8Array;
  mimeType: 'image/jpeg';
  width: number;
  height: number;
  /** The type the upload declared by its magic bytes. */
  sourceType: ImageType;
}

/** Stored photos are capped here: plenty for face boxes and thumbnails, and it bounds disk use per result. */
export const maxStoredSide = 4096;
const JPEG_QUALITY = 88;

const acceptedList = 'JPEG, PNG, WebP, AVIF or GIF';

/**
 * Checks an upload before decoding: not empty, within lib/limits maxUploadBytes, and one of the accepted
 * types by magic bytes. Throws AppError (invalid_input, too_large, unsupported_type) with a message for people.
 */
export function checkUpload(bytes: Uint8Array): ImageType {
  if (bytes.byteLength === 0) throw new AppError('invalid_input', 'The file is empty. Choose a photo to upload.');
  if (bytes.byteLength > limits.maxUploadBytes) {
    const mb = (bytes.byteLength / 1024 / 1024).toFixed(1);
    throw new AppError('too_large', `The photo is ${mb} MB; the limit is ${limits.maxUploadBytes / 1024 / 1024} MB.`);
  }
  const type = sniffImageType(bytes);
  if (!type) throw new AppError('unsupported_type', `That file is not a supported image. Use ${acceptedList}.`);
  return type;
}

async function readSize(bytes: Uint8Array): Promise<{ width: number; height: number; upright: boolean; space?: string }> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new AppError('unsupported_type', 'The image could not be read; it may be damaged or not really an image.', { cause: error });
  }
  if (!meta.width || !meta.height) throw new AppError('unsupported_type', 'The image has no readable dimensions.');
  const pageHeight = meta.pageHeight ?? meta.height;
  // EXIF orientations 5-8 swap width and height once the photo is upright.
  const swapped = (meta.orientation ?? 1) >= 5;
  const upright = (meta.orientation ?? 1) === 1;
  return swapped ? { width: pageHeight, height: meta.width, upright, space: meta.space } : { width: meta.width, height: pageHeight, upright, space: meta.space };
}

/** What inspectUpload learnt from the header: the type and the upright size. */
export interface InspectedUpload {
  sourceType: ImageType;
  width: number;
  height: number;
  /** No EXIF rotation to apply. */
  upright: boolean;
  /** libvips' name of the colour space (srgb, b-w, cmyk, …), when known. */
  space?: string;
}

/**
 * Validates an upload from its header alone (nothing is decoded): size, type by magic bytes, the pixel
 * budget (so a decompression bomb is refused cheaply), the minimum side, and for a JPEG its number of scans
 * (a file with thousands makes every decoder, sharp's included, pass over the image thousands of times).
 * Throws AppError.
 */
export async function inspectUpload(input: Uint8Array): Promise<InspectedUpload> {
  const sourceType = checkUpload(input);
  if (sourceType === 'jpeg') {
    const scans = countJpegScans(input);
    if (scans > limits.maxJpegScans) {
      throw new AppError('unsupported_type', `This JPEG has ${scans} scans; at most ${limits.maxJpegScans} are accepted (photos have fewer than 20).`);
    }
  }
  const { width, height, upright, space } = await readSize(input);
  if (width * height > limits.maxPixels) {
    throw new AppError('too_large', `The image is ${width}×${height} px; the limit is ${limits.maxPixels / 1e6} megapixels.`);
  }
  if (Math.min(width, height) < limits.minSidePixels) {
    throw new AppError('image_too_small', `The image is only ${width}×${height} px; faces need at least ${limits.minSidePixels} px on each side.`);
  }
  return { sourceType, width, height, upright, ...(space ? { space } : {}) };
}

/**
 * An upright sRGB or greyscale JPEG within maxStoredSide is stored as it came, less its metadata
 * (jpeg-strip.ts: no decode, same pixels); null for anything that needs the re-encode.
 */
function storeAsIs(input: Uint8Array, inspected: InspectedUpload): NormalizedImage | null {
  const plainColour = inspected.space === 'srgb' || inspected.space === 'b-w';
  if (inspected.sourceType !== 'jpeg' || !inspected.upright || !plainColour) return null;
  if (Math.max(inspected.width, inspected.height) > maxStoredSide) return null;
  const bytes = stripJpegMetadata(input);
  return bytes && { bytes, mimeType: 'image/jpeg', width: inspected.width, height: inspected.height, sourceType: inspected.sourceType };
}

/**
 * The photo to store, from an inspected upload: an upright plain JPEG as it came less its metadata (see
 * storeAsIs); anything else re-encoded: EXIF orientation applied, first frame only, transparency
 * flattened on white, longest side capped at maxStoredSide, all metadata (EXIF, GPS) dropped.
 */
export async function toStoredPhoto(input: Uint8Array, inspected: InspectedUpload): Promise<NormalizedImage> {
  const asIs = storeAsIs(input, inspected);
  if (asIs) return asIs;
  try {
    const { data, info } = await sharp(input, { limitInputPixels: limits.maxPixels, pages: 1 })
      .rotate()
      .resize({ width: maxStoredSide, height: maxStoredSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data), mimeType: 'image/jpeg', width: info.width, height: info.height, sourceType: inspected.sourceType };
  } catch (error) {
    throw new AppError('unsupported_type', 'The image could not be decoded; it may be damaged or truncated.', { cause: error });
  }
}

/** inspectUpload, then toStoredPhoto. */
export async function normalizeImage(input: Uint8Array): Promise<NormalizedImage> {
  return toStoredPhoto(input, await inspectUpload(input));
}
