/**
 * Renders the per-photo latency chart (grouped horizontal bars, log scale, one colour per runtime) as an
 * SVG string and rasterises it to PNG with sharp, so the benchmark needs no plotting library.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

export interface PlotSeries {
  runtime: string;
  colour: string;
  /** Photo name → p50 ms; photos missing from a series are left out of its bars. */
  p50: Record<string, number>;
}

export interface PlotInput {
  title: string;
  subtitle: string;
  photos: string[];
  series: PlotSeries[];
}

const W = 1000;
const LEFT = 150;
const RIGHT = 40;
const TOP = 90;
const BAR = 11;
const GAP = 12;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Log10 axis from the decade below the fastest bar to the decade above the slowest. */
function logAxis(values: number[]): { lo: number; hi: number; x: (ms: number) => number; ticks: number[] } {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...finite, 1)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...finite, 10)));
  const span = Math.log10(hi) - Math.log10(lo);
  const x = (ms: number) => LEFT + ((Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / span) * (W - LEFT - RIGHT);
  const ticks: number[] = [];
  for (let t = lo; t <= hi * 1.001; t *= 10) ticks.push(t);
  return { lo, hi, x, ticks };
}

/** The chart as an SVG document. */
export function buildLatencySvg(input: PlotInput): string {
  const groupH = input.series.length * BAR + GAP;
  const H = TOP + input.photos.length * groupH + 50;
  const all = input.series.flatMap((s) => Object.values(s.p50));
  const axis = logAxis(all);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${LEFT}" y="26" font-size="18" font-weight="bold">${escapeXml(input.title)}</text>`,
    `<text x="${LEFT}" y="46" font-size="12" fill="#444">${escapeXml(input.subtitle)}</text>`,
  ];
  input.series.forEach((s, i) => {
    const lx = LEFT + i * 220;
    parts.push(`<rect x="${lx}" y="58" width="14" height="14" fill="${s.colour}"/>`);
    parts.push(`<text x="${lx + 20}" y="70" font-size="12">${escapeXml(s.runtime)}</text>`);
  });
  for (const t of axis.ticks) {
    const x = axis.x(t).toFixed(1);
    parts.push(`<line x1="${x}" y1="${TOP - 6}" x2="${x}" y2="${H - 40}" stroke="#ddd"/>`);
    parts.push(`<text x="${x}" y="${H - 24}" font-size="11" text-anchor="middle">${t} ms</text>`);
  }
  input.photos.forEach((photo, p) => {
    const y0 = TOP + p * groupH;
    parts.push(`<text x="${LEFT - 8}" y="${y0 + (input.series.length * BAR) / 2 + 4}" font-size="12" text-anchor="end">${escapeXml(photo)}</text>`);
    input.series.forEach((s, i) => {
      const ms = s.p50[photo];
      if (ms === undefined || !Number.isFinite(ms)) return;
      const y = y0 + i * BAR;
      const w = Math.max(1, axis.x(ms) - LEFT);
      parts.push(`<rect x="${LEFT}" y="${y}" width="${w.toFixed(1)}" height="${BAR - 2}" fill="${s.colour}"/>`);
      parts.push(`<text x="${(LEFT + w + 4).toFixed(1)}" y="${y + BAR - 3}" font-size="9" fill="#333">${ms.toFixed(ms < 100 ? 1 : 0)}</text>`);
    });
  });
  parts.push(`<text x="${(W + LEFT) / 2}" y="${H - 6}" font-size="12" text-anchor="middle">p50 latency per photo, bytes → embeddings (log scale)</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/** Writes `<dir>/engine-latency.svg` and `.png`; returns the PNG path. */
export async function writeLatencyPlot(input: PlotInput, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const svg = buildLatencySvg(input);
  const svgPath = path.join(dir, 'engine-latency.svg');
  const pngPath = path.join(dir, 'engine-latency.png');
  await writeFile(svgPath, svg);
  await sharp(Buffer.from(svg)).png().toFile(pngPath);
  return pngPath;
}
