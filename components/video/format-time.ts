/** 83_500 → "1:23.5"; whole seconds drop the tenth: 83_000 → "1:23". */
export function formatTime(ms: number): string {
  const tenths = Math.round(Math.max(0, ms) / 100);
  const minutes = Math.floor(tenths / 600);
  const seconds = Math.floor((tenths % 600) / 10);
  const tenth = tenths % 10;
  return `${minutes}:${String(seconds).padStart(2, '0')}${tenth ? `.${tenth}` : ''}`;
}
