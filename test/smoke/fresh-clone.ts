/**
 * npm run smoke:fresh-clone — the first-run promise, as a new user meets it: a copy of this checkout in a
 * temporary folder with no ../shared beside it (so no datasets, no gallery, no import), its npm packages
 * installed, then the README's run command (`npm run app`). Within 3 minutes the page must be served and
 * name Barack Obama and Joe Biden in obama_and_biden.jpg, from the shipped celebrity pack alone.
 * The packages are hard links to this checkout's node_modules: the clock starts where `npm ci` would end.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { freePort, run, waitFor } from './run';

const repoRoot = resolve(import.meta.dirname, '../..');
const datasets = resolve(process.env.DATASETS_DIR ?? join(repoRoot, '../shared/datasets'));
const PHOTO = join(datasets, 'raw/face_recognition_ageitgey/examples/knn_examples/test/obama_and_biden.jpg');
const BUDGET_MS = 180_000;

let passed = 0;
function check(what: string, ok: boolean, detail = ''): void {
  if (!ok) throw new Error(`${what} failed${detail ? `: ${detail}` : ''}`);
  passed += 1;
  console.log(`fresh-clone: ok — ${what}`);
}

/** The checkout's files as a clone has them (tracked, plus new files not ignored), with their modes. */
async function copyCheckout(target: string): Promise<void> {
  const listed = run('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repoRoot, quiet: true });
  for (const file of listed.split('\0').filter(Boolean)) {
    if (!existsSync(join(repoRoot, file))) continue; // deleted in the working tree
    await mkdir(dirname(join(target, file)), { recursive: true });
    // Mode and times kept as a clone has them: sources newer than npm ci's addon build would rebuild it.
    await cp(join(repoRoot, file), join(target, file), { preserveTimestamps: true });
    spawnSync('chmod', ['--reference', join(repoRoot, file), join(target, file)]);
  }
  // What `npm ci` leaves: the packages and the JPEG addon it compiles (hard links: same bytes, no copy;
  // a plain copy when the temporary folder is on another file system).
  const linkOrCopy = (from: string, to: string) => {
    try {
      run('cp', ['-al', from, to]);
    } catch {
      run('rm', ['-rf', to]);
      run('cp', ['-a', from, to]);
    }
  };
  linkOrCopy(join(repoRoot, 'node_modules'), join(target, 'node_modules'));
  if (existsSync(join(repoRoot, 'native/image-kernels/build'))) linkOrCopy(join(repoRoot, 'native/image-kernels/build'), join(target, 'native/image-kernels/build'));
}

/** A log line's message: the `msg` of the server's pino JSON lines, other lines as printed. */
function logMessage(line: string): string {
  try {
    return String((JSON.parse(line) as { msg?: unknown }).msg ?? line);
  } catch {
    return line;
  }
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'cf-fresh-clone-'));
  const app = join(root, 'app');
  const port = await freePort(3560, 3599);
  let server: ReturnType<typeof spawn> | undefined;
  let log = '';
  try {
    await copyCheckout(app);
    check('the copy has no ../shared beside it', !existsSync(join(app, '../shared')));
    const started = Date.now();
    // A new user's environment: none of the app's settings but the port.
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
    for (const name of ['DATA_DIR', 'GALLERY_PATH', 'CELEBRITY_PACK', 'GALLERY_OPT_OUT', 'MODEL_DIR', 'DATASETS_DIR']) delete env[name];
    server = spawn('npm', ['run', 'app'], { cwd: app, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
    const milestones: string[] = [];
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString();
      log += text;
      for (const line of text.split('\n').map(logMessage)) {
        if (/^(models:|addon:|build-standalone: release|warm-up:|start-standalone:.*ready)/.test(line.trim())) milestones.push(`${((Date.now() - started) / 1000).toFixed(1)} s  ${line.trim()}`);
      }
    };
    server.stdout?.on('data', onOutput);
    server.stderr?.on('data', onOutput);
    const base = `http://127.0.0.1:${port}`;
    await waitFor('npm run app to serve', async () => {
      if (server?.exitCode !== null) throw new Error(`npm run app exited ${server?.exitCode}`);
      return (await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2_000) })).ok;
    }, BUDGET_MS).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${log.slice(-3000)}`);
    });
    const ready = Date.now() - started;
    for (const milestone of milestones) console.log(`fresh-clone:   ${milestone}`);
    const home = await (await fetch(base)).text();
    check('the home page says how many people it knows', /Knows.*?[\d,]{5,}.*?celebrities/s.test(home), home.slice(0, 200));
    const form = new FormData();
    form.append('image', new Blob([await readFile(PHOTO)], { type: 'image/jpeg' }), 'obama_and_biden.jpg');
    const response = await fetch(`${base}/api/recognitions`, { method: 'POST', body: form });
    const body = (await response.json()) as { url?: string; result?: { CelebrityFaces: Array<{ Name: string }> } };
    const names = (body.result?.CelebrityFaces ?? []).map((c) => c.Name).sort();
    check('the upload is stored (201)', response.status === 201, `HTTP ${response.status}`);
    check('Barack Obama and Joe Biden are named with no import', JSON.stringify(names) === JSON.stringify(['Barack Obama', 'Joe Biden']), names.join(', '));
    const page = await (await fetch(body.url!.replace(/^https?:\/\/[^/]+/, base))).text();
    check('their result page names them', page.includes('Barack Obama') && page.includes('Joe Biden'));
    const total = Date.now() - started;
    check(`served and named within 3 minutes of npm ci (ready in ${(ready / 1000).toFixed(1)} s, named in ${(total / 1000).toFixed(1)} s)`, total < BUDGET_MS);
    console.log(`fresh-clone: ${passed} passed, 0 failed`);
  } finally {
    if (server?.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((done) => setTimeout(done, 1_000));
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`fresh-clone: ${error instanceof Error ? error.message : String(error)}`);
  console.log(`fresh-clone: ${passed} passed, 1 failed`);
  process.exit(1);
});
