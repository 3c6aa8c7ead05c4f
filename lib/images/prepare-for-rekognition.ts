import sharp from 'sharp';
import { AppError } from '../errors';
import { limits } from '../limits';

/** What Rekognition accepts as Image.Bytes: JPEG or PNG, at most 5 MB, at least 80 px on each side. */
export interface PreparedImage {
  bytes: Uint8Array;
  format: 'jpeg' | 'png';
  width: number;
  height: number;
  /** Whether the bytes differ from the input (converted, rotated or downscaled). */
  changed: boolean;
}

export interface PrepareOptions {
  /** Largest encoded size to produce, bytes (default: Rekognition's 5 MB). */
  maxBytes?: number;
  /** JPEG quality for re-encoded images, 1..100. */
  quality?: number;
}

const SAFETY = 0.92;
const MAX_ROUNDS = 8;

/**
 * Makes a photo acceptable to Rekognition: JPEG/PNG that already fit pass through untouched; WebP, AVIF,
 * GIF (first frame) and EXIF-rotated photos become upright JPEG; anything over the byte limit is downscaled
 * until it fits. Throws AppError('image_too_small') under 80 px and AppError('unsupported_type') for
 * bytes sharp cannot decode.
 */
export async function prepareForRekognition(input: Uint8Array, options: PrepareOptions = {}): Promise<PreparedImage> {
  const maxBytes = options.maxBytes ?? limits.maxRekognitionBytes;
  const quality = options.quality ?? 90;
  const meta = await readMetadata(input);
  // EXIF orientations 5-8 swap width and height once the photo is upright.
  const swapped = (meta.orientation ?? 1) >= 5;
  const width = swapped ? meta.height : meta.width;
  const height = swapped ? meta.width : meta.height;
  if (width < limits.minSidePixels || height < limits.minSidePixels) {
    throw new AppError(
      'image_too_small',
      `The image is ${width}×${height} px; Rekognition needs at least ${limits.minSidePixels} px on each side.`,
    );
  }
  const upright = (meta.orientation ?? 1) === 1;
  if ((meta.format === 'jpeg' || meta.format === 'png') && upright && input.byteLength <= maxBytes) {
    return { bytes: input, format: meta.format, width, height, changed: false };
  }
  return encodeJpegWithin(input, { width, height }, maxBytes, quality);
}

async function readMetadata(input: Uint8Array): Promise<{ format: string; width: number; height: number; orientation?: number }> {
  try {
    const meta = await sharp(input, { limitInputPixels: limits.maxPixels }).metadata();
    if (!meta.format || !meta.width || !meta.height) throw new Error('no dimensions');
    return { format: meta.format, width: meta.width, height: meta.height, orientation: meta.orientation };
  } catch (error) {
    throw new AppError('unsupported_type', 'The file is not an image we can read (use JPEG, PNG, WebP, AVIF or GIF).', {
      cause: error,
    });
  }
}

/** Re-encodes as upright JPEG, shrinking by the square root of the size overshoot until it fits. */
async function encodeJpegWithin(
  input: Uint8Array,
  size: { width: number; height: number },
  maxBytes: number,
  quality: number,
): Promise<PreparedImage> {
  let { width, height } = size;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const { data, info } = await sharp(input, { limitInputPixels: limits.maxPixels, pages: 1 })
      .rotate()
      .resize({ width, height, fit: 'fill' })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality, mozjpeg: false })
      .toBuffer({ resolveWithObject: true });
    if (data.byteLength <= maxBytes) {
      return { bytes: new Uint8Array(data), format: 'jpeg', width: info.width, height: info.height, changed: true };
    }
    const scale = Math.sqrt(maxBytes / data.byteLength) * SAFETY;
    width = Math.round(width * scale);
    height = Math.round(height * scale);
    if (width < limits.minSidePixels || height < limits.minSidePixels) break;
  }
  throw new AppError('too_large', `The image cannot be made smaller than ${Math.round(maxBytes / 1e6)} MB for Rekognition.`);
}
