import { readdirSync, readFileSync } from 'node:fs';

/** Processes in the process group `pgid` (the server and anything it forked), from /proc. */
function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 5 of /proc/<pid>/stat is the process group; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) pids.push(Number(entry));
    } catch {
      // The process ended between listing and reading.
    }
  }
  return pids;
}

function statusKb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(match?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Resident memory of the server's process group, MB: now (sum) and peak (sum of each process's high-water mark). */
export function groupMemoryMb(pgid: number): { rssMb: number; peakRssMb: number } {
  const pids = groupPids(pgid);
  const sum = (key: 'VmRSS' | 'VmHWM') => pids.reduce((total, pid) => total + statusKb(pid, key), 0) / 1024;
  return { rssMb: Math.round(sum('VmRSS')), peakRssMb: Math.round(sum('VmHWM')) };
}
