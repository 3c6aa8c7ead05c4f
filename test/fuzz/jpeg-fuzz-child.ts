/**
 * Child process of jpeg-fuzz.test.ts: `cases` mutated JPEGs (seeded) through the C addon's decoder and
 * sharp (the upload path's header read and decode), plus the JavaScript segment walkers. One JSON line per
 * case once it is done; a crash ends the process with the case's line missing.
 * Usage: tsx test/fuzz/jpeg-fuzz-child.ts [cases] [seed]
 */
import sharp from 'sharp';
import { loadNativeAddon } from '../../lib/engine/native';
import { countJpegScans } from '../../lib/images/jpeg-scans';
import { stripJpegMetadata } from '../../lib/images/jpeg-strip';
import { baseJpegs, MUTATION_KINDS, mutate, random } from './jpeg-mutations';

sharp.cache(false);
sharp.concurrency(1);
const cases = Number(process.argv[2] ?? 2000);
const seed = Number(process.argv[3] ?? 21);
const addon = loadNativeAddon();
if (!addon) throw new Error('the addon is not built');
/** The fuzz keeps declared sizes cheap: the budget refuses bigger ones from the header (what is tested). */
const MAX_PIXELS = 4_000_000;

/** 'result', or the error class: anything thrown as a proper Error is a clean refusal. */
async function outcome(work: () => Promise<unknown> | unknown): Promise<string> {
  try {
    const value = await work();
    if (value && typeof value === 'object' && 'fallback' in value) return `fallback:${String((value as { fallback: string }).fallback)}`;
    return 'result';
  } catch (error) {
    return error instanceof Error ? `error:${error.name}` : `threw-non-error:${typeof error}`;
  }
}

const bases = await baseJpegs();
const next = random(seed);
for (let i = 0; i < cases; i++) {
  const base = bases[i % bases.length]!;
  const kind = MUTATION_KINDS[Math.floor(next() * MUTATION_KINDS.length)]!;
  const bytes = mutate(base.bytes, kind, next);
  const row = {
    i,
    base: base.name,
    kind,
    size: bytes.length,
    addon: await outcome(() => addon.decode(bytes, MAX_PIXELS, 100)),
    sharpMeta: await outcome(() => sharp(bytes, { limitInputPixels: MAX_PIXELS }).metadata()),
    sharpDecode: await outcome(() => sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: i % 2 ? 'error' : 'warning' }).rotate().raw().toBuffer()),
    walkers: await outcome(() => [countJpegScans(bytes), stripJpegMetadata(bytes)]),
  };
  console.log(JSON.stringify(row));
}
console.log(JSON.stringify({ done: cases }));
