import type { RecognizeCelebritiesResult } from '@/lib/contract/rekognition';

/**
 * The URL of face `index`'s thumbnail (celebrities first, then unrecognized faces). Thumbnails are cached
 * for long, and the opt-out list can change a stored result's order (a removed celebrity becomes an
 * unrecognized face), so the order is part of the URL: a cached thumbnail never lands on another face.
 */
export function faceThumbnailUrl(recognitionId: string, result: RecognizeCelebritiesResult, index: number): string {
  let hash = 5381;
  for (const char of result.CelebrityFaces.map((c) => c.Id).join(',')) hash = ((hash * 33) ^ char.charCodeAt(0)) >>> 0;
  return `/api/recognitions/${recognitionId}/faces/${index}?order=${hash.toString(36)}`;
}
