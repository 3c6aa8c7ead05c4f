/** The speed targets of issue 2, printed beside the measured figures. */
export const targets = {
  p50MsSingleFace: 25,
  p50MsGroup1080p: 120,
  speedupVsOrtWeb: 2,
  speedupVsTfjsWasm: 10,
  searchMsP50_100k: 10,
  searchMsP50_1M: 50,
  peakRssMb: 400,
} as const;

/** "ok" / "MISS" / "n/a" against an upper (≤) or lower (≥) bound. */
export function verdict(value: number | null | undefined, bound: number, kind: 'max' | 'min'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  const ok = kind === 'max' ? value <= bound : value >= bound;
  return ok ? 'ok' : 'MISS';
}
