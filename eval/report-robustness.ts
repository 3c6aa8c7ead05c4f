/**
 * npm run report:robustness [-- --load-duration 15]
 * Reruns the hardening proofs against real production servers and prints: the bad-input corpus table
 * (case → status, code, ms, pass), peak RSS across it, the early cut-off of oversized streams, a short
 * load run (bench:load) and the SIGKILL crash test. Exits 1 when any check fails.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchLoad, formatLoad } from '../bench/load';
import { buildCorpus } from '../test/hardening/harness/corpus';
import { runCrashTest } from '../test/hardening/harness/crash';
import { runCorpus, streamOversized } from '../test/hardening/harness/run-corpus';
import { HARDENING_ROOT, startHardeningServer } from '../test/hardening/harness/server';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`).join('\n');
}

async function corpusSection(): Promise<boolean> {
  const dataDir = join(HARDENING_ROOT, 'report-corpus');
  await rm(dataDir, { recursive: true, force: true });
  const app = await startHardeningServer(3460, dataDir);
  try {
    const cases = await buildCorpus();
    const { rows, before, after } = await runCorpus(app.baseUrl, cases, app.pid);
    const chunked = await streamOversized(app.baseUrl, { capBytes: 300 * 1024 * 1024 });
    const declared = await streamOversized(app.baseUrl, { declaredLength: 1024 ** 3, capBytes: 300 * 1024 * 1024 });
    const healthy = (await fetch(`${app.baseUrl}/api/health`)).status === 200;
    const pass = (row: (typeof rows)[number]) => row.status === row.expected.status && row.code === row.expected.code;
    console.log('## Bad-input corpus\n');
    console.log(table([['case', 'status', 'code', 'ms', 'ok'], ...rows.map((row) => [row.name, String(row.status), row.code ?? '-', String(row.ms), pass(row) ? 'yes' : `NO (want ${row.expected.status} ${row.expected.code})`])]));
    console.log(`\n${rows.filter(pass).length}/${rows.length} cases as documented; server healthy afterwards: ${healthy}`);
    console.log(`server RSS before ${before.rssMb} MB, after ${after.rssMb} MB, peak ${after.peakRssMb} MB (process group high-water mark)`);
    console.log(`endless chunked upload: ${chunked.status} after ${(chunked.sentBytes / 1024 / 1024).toFixed(1)} MB sent (${chunked.ms} ms)`);
    console.log(`declared 1 GB upload:   ${declared.status} after ${(declared.sentBytes / 1024 / 1024).toFixed(1)} MB sent (${declared.ms} ms)\n`);
    return rows.every(pass) && healthy && chunked.status === 413 && declared.status === 413;
  } finally {
    await app.stop();
  }
}

async function crashSection(): Promise<boolean> {
  const dataDir = join(HARDENING_ROOT, 'report-crash');
  await rm(dataDir, { recursive: true, force: true });
  const result = await runCrashTest(3462, dataDir);
  console.log('## Crash test (SIGKILL mid-stream, restart)\n');
  console.log(`acknowledged ${result.acknowledged}, in flight at kill ${result.inFlightAtKill}, rows after restart ${result.rowsAfterRestart}`);
  console.log(`acknowledged intact ${result.acknowledgedIntact}/${result.acknowledged}, rows intact ${result.rowsIntact}/${result.rowsAfterRestart}, missing ${result.missing.length}, broken ${result.broken.length}\n`);
  return result.acknowledgedIntact === result.acknowledged && result.rowsIntact === result.rowsAfterRestart && result.missing.length === 0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'load-duration': { type: 'string', default: '15' } } });
  const corpusOk = await corpusSection();
  console.log(`## Load (bench:load, ${values['load-duration']} s)\n`);
  const load = await benchLoad({ durationS: Number(values['load-duration']), factor: 4, port: 3461 });
  console.log(`${formatLoad(load)}\n`);
  const loadOk = load.unexpected5xx === 0 && load.connectionErrors === 0;
  const crashOk = await crashSection();
  console.log(`## Verdict\n\ncorpus ${corpusOk ? 'PASS' : 'FAIL'}, load ${loadOk ? 'PASS' : 'FAIL'}, crash ${crashOk ? 'PASS' : 'FAIL'}`);
  process.exitCode = corpusOk && loadOk && crashOk ? 0 : 1;
}

void main();
