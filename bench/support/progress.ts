/** One cli-progress bar on stderr, restarted per phase, so stdout carries only the report and the JSON. */
import cliProgress from 'cli-progress';

export interface PhaseProgress {
  update(phase: string, done: number, total: number, label?: string): void;
  stop(): void;
}

export function createPhaseProgress(): PhaseProgress {
  const bar = new cliProgress.SingleBar(
    {
      format: '{phase} [{bar}] {value}/{total} {label}',
      hideCursor: true,
      clearOnComplete: false,
      // Without a TTY (CI, piped output) print a line every few seconds instead of redrawing.
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  let current: string | null = null;
  return {
    update(phase, done, total, label = '') {
      if (phase !== current) {
        if (current !== null) bar.stop();
        current = phase;
        bar.start(total, done, { phase, label });
        return;
      }
      bar.setTotal(total);
      bar.update(done, { phase, label });
    },
    stop() {
      if (current !== null) bar.stop();
      current = null;
    },
  };
}
