/**
 * Decode stage: the only module of the engine that decodes images. Bytes in, upright 8-bit RGB out (EXIF
 * orientation applied, alpha flattened, embedded ICC profiles ignored), with an explicit pixel limit.
 * JPEGs go through our libjpeg addon where it can give exactly sharp's pixels, the rest through sharp.
 */
import sharp from 'sharp';
import { AppError } from '../errors';
import { limits } from '../limits';
import type { RgbImage } from './image';
import { nativeJpeg } from './native';

/** Which decoder JPEGs go through (benchmarks print it). */
export const jpegDecoder: 'libjpeg' | 'sharp' = nativeJpeg ? 'libjpeg' : 'sharp';

// libvips' operation cache keeps recent images' pixels for reuse; every photo here is new, so it only
// held ~40 MB of peak RSS (451 → 409 MB in the engine benchmark's process).
sharp.cache(false);

/**
 * Decodes an encoded image (JPEG, PNG, WebP, GIF, AVIF, TIFF) into upright RGB.
 * @returns uint8 HWC [height, width, 3], RGB, 0..255.
 * @throws AppError invalid_input when the bytes are not a decodable image, too_large beyond limits.maxPixels.
 */
export async function decodeImage(bytes: Uint8Array): Promise<RgbImage> {
  // JPEGs through libjpeg directly: the same pixels as sharp's (decode.test.ts), in about half the time.
  // Whatever it leaves (EXIF rotation, CMYK, damaged data, other formats) goes to sharp, errors included.
  if (nativeJpeg && bytes[0] === 0xff && bytes[1] === 0xd8) {
    const result = await nativeJpeg.decode(bytes, limits.maxPixels, limits.maxJpegScans);
    if ('data' in result) return { data: new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.length), width: result.width, height: result.height };
    // Not for sharp: it would grind through every scan.
    if (result.fallback === 'too_many_scans') throw new AppError('unsupported_type', `The JPEG has more than ${limits.maxJpegScans} scans; photos have far fewer.`);
  }
  return decodeWithSharp(bytes);
}

/** decodeImage through sharp alone: every format, EXIF orientation applied, alpha flattened on white. */
export async function decodeWithSharp(bytes: Uint8Array): Promise<RgbImage> {
  try {
    // ignoreIcc: the nets were trained on pixels decoded without colour management (as OpenCV does), and
    // converting an embedded profile cost 13 of 23 ms on a 1 MP JPEG here.
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error', ignoreIcc: true })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/pixel limit/i.test(message)) {
      throw new AppError('too_large', `The image has more than ${limits.maxPixels} pixels.`, { cause: error });
    }
    throw new AppError('invalid_input', 'The image could not be decoded.', { cause: error });
  }
}
