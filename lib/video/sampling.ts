/**
 * How often a video is looked at. The default, 2 frames a second (VIDEO_SAMPLE_FPS), puts any 1 s on screen
 * into two samples: a ~1 s appearance is still found when one of them shows a blurred or turned face, and
 * span ends are within half a second of the truth. Engine time grows with the rate (docs/video.md).
 */
export const DEFAULT_SAMPLE_FPS = 2;

/** Milliseconds between two sampled frames. */
export function intervalMsFor(sampleFps: number): number {
  return Math.round(1000 / sampleFps);
}

/** Frames sampled from a video of `durationMs`: one at 0, then every intervalMs while still inside the video. */
export function framesPlanned(durationMs: number, intervalMs: number): number {
  return Math.max(1, Math.ceil(durationMs / intervalMs));
}
