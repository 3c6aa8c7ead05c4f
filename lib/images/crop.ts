import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import type { BoundingBox } from '../contract/rekognition';

/** Side of the square face thumbnails, pixels (2× the 80 px they are shown at). */
export const faceThumbnailSide = 160;
/** Margin around the face box, as a fraction of its size, so hair and chin stay in the thumbnail. */
const MARGIN = 0.35;

/**
 * The square region of a face's thumbnail in a stored (upright) photo. `box` is Rekognition's BoundingBox
 * (ratios 0..1 of the photo's width and height); it is widened by a margin and clamped to the photo.
 */
function extractRegion(size: { width: number; height: number }, box: BoundingBox) {
  const faceW = box.Width * size.width;
  const faceH = box.Height * size.height;
  const side = Math.max(faceW, faceH) * (1 + 2 * MARGIN);
  const centerX = (box.Left + box.Width / 2) * size.width;
  const centerY = (box.Top + box.Height / 2) * size.height;
  const clampedSide = Math.max(1, Math.min(side, size.width, size.height));
  const left = Math.round(Math.min(Math.max(0, centerX - clampedSide / 2), size.width - clampedSide));
  const top = Math.round(Math.min(Math.max(0, centerY - clampedSide / 2), size.height - clampedSide));
  const extract = {
    left: Math.max(0, left),
    top: Math.max(0, top),
    width: Math.max(1, Math.min(Math.round(clampedSide), size.width - Math.max(0, left))),
    height: Math.max(1, Math.min(Math.round(clampedSide), size.height - Math.max(0, top))),
  };
  return extract;
}

/** Side in pixels of the region a face's thumbnail is cut from (before it is scaled to faceThumbnailSide). */
export function faceRegionSide(size: { width: number; height: number }, box: BoundingBox): number {
  const region = extractRegion(size, box);
  return Math.min(region.width, region.height);
}

/** A square JPEG thumbnail of one face of a stored photo (see extractRegion). */
export async function cropFace(photo: Uint8Array, size: { width: number; height: number }, box: BoundingBox): Promise<Uint8Array> {
  const data = await sharp(photo)
    .extract(extractRegion(size, box))
    .resize(faceThumbnailSide, faceThumbnailSide, { fit: 'cover' })
    .jpeg({ quality: 85 })
    .toBuffer();
  return new Uint8Array(data);
}

/** Decoded upright 8-bit RGB pixels, interleaved (what the engine decodes a photo into). */
export interface RgbPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

type EncodeThumbnail = (pixels: Uint8Array, width: number, height: number, left: number, top: number, side: number, outSide: number, quality: number) => Promise<Buffer>;

/**
 * The image-kernels addon's thumbnail encoder (native/image-kernels/jpeg_encode.c: crop, antialiased
 * resample and libjpeg in one libuv job: 0.6 ms for a face shrunk 1.5×, sharp 2.4), or null when the addon was
 * not built or predates it; `THUMBNAIL_ENCODER=sharp` rules it out (comparisons).
 */
function nativeEncoder(): EncodeThumbnail | null {
  if (process.env.THUMBNAIL_ENCODER === 'sharp') return null;
  try {
    const addon = createRequire(path.join(process.cwd(), 'index.js'))('cf-image-kernels') as { encodeThumbnail?: EncodeThumbnail };
    return typeof addon.encodeThumbnail === 'function' ? addon.encodeThumbnail : null;
  } catch {
    return null;
  }
}

const encodeThumbnail = nativeEncoder();
/** Which encoder face thumbnails go through (benchmarks and tests print it). */
export const thumbnailEncoder: 'libjpeg' | 'sharp' = encodeThumbnail ? 'libjpeg' : 'sharp';
const THUMBNAIL_QUALITY = 85;

/** One face's thumbnail from decoded pixels: the region's centred square (sharp's `cover`), scaled to 160 px. */
async function thumbnailOf(pixels: RgbPixels, box: BoundingBox): Promise<Uint8Array> {
  const region = extractRegion(pixels, box);
  if (encodeThumbnail) {
    const side = Math.min(region.width, region.height);
    const left = region.left + (region.width - side) / 2;
    const top = region.top + (region.height - side) / 2;
    return new Uint8Array(await encodeThumbnail(pixels.data, pixels.width, pixels.height, left, top, side, faceThumbnailSide, THUMBNAIL_QUALITY));
  }
  const raw = { raw: { width: pixels.width, height: pixels.height, channels: 3 as const } };
  return new Uint8Array(await sharp(pixels.data, raw)
    .extract(region)
    .resize(faceThumbnailSide, faceThumbnailSide, { fit: 'cover' })
    .jpeg({ quality: THUMBNAIL_QUALITY })
    .toBuffer());
}

/** Thumbnails of every box, in order, cut from pixels already decoded. */
function cropFromPixels(pixels: RgbPixels, boxes: readonly BoundingBox[]): Promise<Uint8Array[]> {
  return Promise.all(boxes.map((box) => thumbnailOf(pixels, box)));
}

/**
 * Thumbnails of every box, in order, from the photo's upright pixels when the engine already decoded them
 * (no decode at all: the upload path), else from one decode of the photo (cropFace decodes it once per face).
 * The photo is decoded only as large as the smallest crop needs (its region at least 160 px): a JPEG then
 * decodes at 1/2, 1/4 or 1/8 scale (libjpeg's shrink-on-load), so a 16 MP photo with large faces costs a
 * few MB of pixels instead of 48 MB.
 */
export async function cropFaces(photo: Uint8Array | RgbPixels, boxes: readonly BoundingBox[]): Promise<Uint8Array[]> {
  if (boxes.length === 0) return [];
  if (!(photo instanceof Uint8Array)) return cropFromPixels(photo, boxes);
  const meta = await sharp(photo).metadata();
  const full = { width: meta.width ?? 0, height: meta.height ?? 0 };
  const smallestRegion = Math.min(...boxes.map((box) => Math.min(extractRegion(full, box).width, extractRegion(full, box).height)));
  const scale = Math.max(1, Math.floor(smallestRegion / faceThumbnailSide));
  const decoded = scale > 1 ? sharp(photo).resize({ width: Math.max(1, Math.round(full.width / scale)) }) : sharp(photo);
  const { data, info } = await decoded.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return cropFromPixels({ data, width: info.width, height: info.height }, boxes);
}
