/**
 * Test clips made at test time from ../shared/datasets photos (never committed): a slideshow in which each
 * photo is on screen for a known time, so a test knows exactly when each person appears. Written under a
 * temporary folder by the caller. Test tooling only: the app reaches ffmpeg through lib/video/ffmpeg.ts.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { datasetsDir } from '../rekognition/datasets';

export interface Slide {
  /** A dataset photo (relative to ../shared/datasets), or null for a black screen. */
  photo: string | null;
  fromMs: number;
  toMs: number;
  /** Who is in the photo, as the celebrity pack names them (strangers are not listed). */
  people?: string[];
}

export interface ClipOptions {
  width: number;
  height: number;
  fps?: number;
  /** Frames per second (default 30: every half second is a whole frame). */
  /** libx264 (MP4, default) or VP9 (WebM). */
  codec?: 'h264' | 'vp9';
  /** Pan slowly across each photo instead of showing it still (moving pictures, as a real video has). */
  pan?: boolean;
}

/** Renders the slides back to back (each photo fitted and centred on black) into `out`. */
export function buildSlideshow(slides: readonly Slide[], out: string, options: ClipOptions): void {
  const fps = options.fps ?? 30;
  const { width: w, height: h } = options;
  const args = ['-y', '-nostdin', '-loglevel', 'error'];
  const filters: string[] = [];
  slides.forEach((slide, i) => {
    const seconds = ((slide.toMs - slide.fromMs) / 1000).toFixed(3);
    if (slide.photo) args.push('-loop', '1', '-framerate', String(fps), '-t', seconds, '-i', resolve(datasetsDir, slide.photo));
    else args.push('-f', 'lavfi', '-t', seconds, '-i', `color=c=black:s=${w}x${h}:r=${fps}`);
    const fit = options.pan && slide.photo
      // A slow pan across the photo, fitted a quarter larger than the frame: every frame differs, as in a real
      // video (a crop that moves is far cheaper to render than a zoom).
      ? `scale=${Math.round(w * 1.25)}:${Math.round(h * 1.25)}:force_original_aspect_ratio=decrease,pad=${Math.round(w * 1.25)}:${Math.round(h * 1.25)}:(ow-iw)/2:(oh-ih)/2,crop=${w}:${h}:x='(iw-${w})*t/${seconds}':y='(ih-${h})*(1-t/${seconds})'`
      : `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2`;
    // Cut by frame count: a duration cut keeps one frame too many, and the error would add up slide by slide.
    const frames = Math.round(((slide.toMs - slide.fromMs) / 1000) * fps);
    filters.push(`[${i}:v]${fit},setsar=1,fps=${fps},format=yuv420p,trim=end_frame=${frames},setpts=PTS-STARTPTS[v${i}]`);
  });
  filters.push(`${slides.map((_, i) => `[v${i}]`).join('')}concat=n=${slides.length}:v=1:a=0[out]`);
  args.push('-filter_complex', filters.join(';'), '-map', '[out]');
  if (options.codec === 'vp9') args.push('-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M');
  else args.push('-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart');
  args.push(out);
  const result = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg could not build the test clip (${result.status}): ${result.stderr}`);
}

const EXAMPLES = 'raw/face_recognition_ageitgey/examples';
const STRANGERS = 'raw/five_celebrity_jasmcaus/Resources/Photos';

/**
 * The recognition test clip: four people the pack knows (Obama twice, Biden for 1 s, Kit Harington with
 * Rose Leslie) and strangers (a woman, a group of five) between black gaps. None of these photos is in the
 * pack: the pack was built from the knn train folders, these are the examples and the knn test photo.
 */
export const recognitionSlides: Slide[] = [
  { photo: null, fromMs: 0, toMs: 1_500 },
  { photo: `${EXAMPLES}/obama2.jpg`, fromMs: 1_500, toMs: 4_500, people: ['Barack Obama'] },
  { photo: `${STRANGERS}/lady.jpg`, fromMs: 4_500, toMs: 6_000 },
  { photo: `${EXAMPLES}/biden.jpg`, fromMs: 6_000, toMs: 7_000, people: ['Joe Biden'] },
  { photo: null, fromMs: 7_000, toMs: 8_500 },
  { photo: `${EXAMPLES}/knn_examples/test/kit_with_rose.jpg`, fromMs: 8_500, toMs: 11_000, people: ['Kit Harington', 'Rose Leslie'] },
  { photo: `${STRANGERS}/group 2.jpg`, fromMs: 11_000, toMs: 13_000 },
  { photo: `${EXAMPLES}/obama.jpg`, fromMs: 13_000, toMs: 15_000, people: ['Barack Obama'] },
  { photo: null, fromMs: 15_000, toMs: 16_000 },
];

/** Each known person's true on-screen spans, from the slides. */
export function truthOf(slides: readonly Slide[]): Map<string, Array<[number, number]>> {
  const truth = new Map<string, Array<[number, number]>>();
  for (const slide of slides) for (const name of slide.people ?? []) truth.set(name, [...(truth.get(name) ?? []), [slide.fromMs, slide.toMs]]);
  return truth;
}
