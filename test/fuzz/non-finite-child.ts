/**
 * Child process of native-boundary.test.ts: calls every entry point of the C addon (and the engine's
 * checked kernels) with NaN, +Infinity and -Infinity in each numeric argument, one at a time. Prints one JSON
 * line per call ({fn, arg, value, outcome}); a crash in the C loops ends the process before the last line,
 * which the test sees as a missing line and a signal instead of exit code 0.
 */
import { loadNativeAddon, pixelKernels } from '../../lib/engine/native';
import { jsKernels, type PixelKernels } from '../../lib/engine/pixel-kernels';

const addon = loadNativeAddon();
if (!addon) throw new Error('the addon is not built');

const W = 64, H = 48;
const image = new Uint8Array(W * H * 3).fill(128);
/** A valid call of each function: [name, numeric arguments after the pixel data]. */
export const CALLS: Array<[keyof PixelKernels, number[]]> = [
  ['warpSampled', [W, H, 1, 0, 5, 0, 1, 5, 16, 16, 2]],
  ['boxReduce', [W, H, 0, 0, 32, 24, 2]],
  ['detectorTensor', [W, H, 0, 0, 32, 32]],
  ['resizeArea', [W, H, 32, 24]],
];

async function outcome(call: () => unknown): Promise<string> {
  try {
    await call();
    return 'result';
  } catch (error) {
    return error instanceof TypeError ? 'TypeError' : `other: ${(error as Error).message}`;
  }
}

const sets = { addon: addon as PixelKernels, engine: pixelKernels, js: jsKernels };
for (const [setName, kernels] of Object.entries(sets)) {
  for (const [fn, args] of CALLS) {
    for (let arg = 0; arg < args.length; arg++) {
      for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        const bad = args.map((v, i) => (i === arg ? value : v));
        const result = await outcome(() => (kernels[fn] as (...a: unknown[]) => unknown)(image, ...bad));
        console.log(JSON.stringify({ set: setName, fn, arg, value: String(value), outcome: result }));
      }
    }
  }
}
const jpeg = Buffer.from('/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==', 'base64');
for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
  console.log(JSON.stringify({ set: 'addon', fn: 'decode', arg: 1, value: String(value), outcome: await outcome(() => addon.decode(jpeg, value)) }));
}
console.log(JSON.stringify({ done: true }));
