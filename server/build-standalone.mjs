#!/usr/bin/env node
// Production build for pm2: `next build` (output: 'standalone'), then a self-contained release directory
// build/releases/<id> that build/current points to. Running workers keep serving from their own release
// while the next one is built, so `pm2 reload` after this script is a zero-downtime update.
//
// Usage: node server/build-standalone.mjs [--skip-build] [--keep N] | --print-hash (source hash only)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const standalone = join(root, '.next', 'standalone');
const buildDir = join(root, 'build');
const args = process.argv.slice(2);
const keep = Number(args[args.indexOf('--keep') + 1]) || 3;

/** Fails the build with a message naming what is missing, instead of a server that crashes at first request. */
function fail(message) {
  console.error(`build-standalone: ${message}`);
  process.exit(1);
}

/** Hash of every source file git knows about (tracked or untracked, not ignored): lets callers reuse a fresh build. */
function sourceHash() {
  const listed = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) return `unknown-${Date.now()}`;
  const hash = createHash('sha256');
  for (const file of listed.stdout.split('\0').filter(Boolean).sort()) {
    const path = join(root, file);
    if (!existsSync(path)) continue;
    hash.update(file).update('\0').update(readFileSync(path)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function runNextBuild() {
  const next = join(root, 'node_modules', '.bin', 'next');
  const result = spawnSync(next, ['build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) fail(`next build failed (exit ${result.status})`);
  if (!existsSync(join(standalone, 'server.js'))) fail('next build did not write .next/standalone/server.js (is output: "standalone" set?)');
}

// Output tracing copies the .node bindings but not the shared libraries they dlopen (libonnxruntime.so.1),
// so the native packages are copied whole, for this platform and CPU only.
const nativePackages = ['onnxruntime-node', 'onnxruntime-common', 'sharp', 'better-sqlite3', 'bindings', 'file-uri-to-path', 'detect-libc', 'semver'];

function copyNativePackages(target) {
  const modules = join(root, 'node_modules');
  const imgPackages = readdirSync(join(modules, '@img')).map((name) => `@img/${name}`);
  for (const name of [...nativePackages, ...imgPackages]) {
    const from = join(modules, name);
    if (!existsSync(from)) continue;
    const to = join(target, 'node_modules', name);
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true, filter: isThisPlatform });
  }
  // The engine's C addon is a link into native/ (a file: dependency): copied as files, build output included.
  const addon = join(modules, 'cf-image-kernels');
  if (existsSync(join(addon, 'build', 'Release', 'image_kernels.node'))) {
    cpSync(addon, join(target, 'node_modules', 'cf-image-kernels'), { recursive: true, dereference: true, filter: (source) => !source.includes('obj.target') });
  }
  const binding = join(target, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', process.platform, process.arch);
  if (!existsSync(binding)) fail(`onnxruntime-node has no binary for ${process.platform}/${process.arch}`);
}

/** Keeps only this machine's platform/CPU of onnxruntime-node's prebuilt binaries (about 45 MB each). */
function isThisPlatform(source) {
  const match = /[/\\]bin[/\\]napi-v\d+[/\\]([^/\\]+)(?:[/\\]([^/\\]+))?/.exec(source);
  if (!match) return true;
  return match[1] === process.platform && (match[2] === undefined || match[2] === process.arch);
}

function makeRelease(hash) {
  const id = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${hash}`;
  const release = join(buildDir, 'releases', id);
  mkdirSync(dirname(release), { recursive: true });
  cpSync(standalone, release, { recursive: true, verbatimSymlinks: true });
  cpSync(join(root, '.next', 'static'), join(release, '.next', 'static'), { recursive: true });
  if (existsSync(join(root, 'public'))) cpSync(join(root, 'public'), join(release, 'public'), { recursive: true });
  copyNativePackages(release);
  // server.js chdirs into the release, so a relative MODEL_DIR ('./models') must find the shared models there.
  for (const runtimeDir of ['models', 'data', 'build', 'logs']) rmSync(join(release, runtimeDir), { recursive: true, force: true });
  // Output tracing follows the env-computed paths of lib/config.ts into the whole checkout: lab code, tests
  // and their outputs (55 MB of screenshots and traces) are never run by the server, so they stay out.
  for (const labDir of ['test-results', 'bench-results', 'playwright-report', 'e2e', 'eval', 'bench', 'test', 'docs', 'scripts', '.scratch', '.cache', 'tsconfig.tsbuildinfo']) {
    rmSync(join(release, labDir), { recursive: true, force: true });
  }
  symlinkSync(join(root, 'models'), join(release, 'models'));
  // The celebrity pack ships with the release: workers keep the pack they started with until the next reload.
  if (existsSync(join(root, 'packs'))) cpSync(join(root, 'packs'), join(release, 'packs'), { recursive: true });
  writeFileSync(join(release, 'BUILD_INFO.json'), `${JSON.stringify({ id, sourceHash: hash, builtAt: new Date().toISOString() }, null, 2)}\n`);
  return { id, release };
}

/** Points build/current at the new release atomically (rename over the old link), then prunes old releases. */
function activate(id) {
  const tmpLink = join(buildDir, `current.${process.pid}`);
  rmSync(tmpLink, { force: true });
  symlinkSync(join('releases', id), tmpLink);
  renameSync(tmpLink, join(buildDir, 'current'));
  const releases = readdirSync(join(buildDir, 'releases')).sort();
  for (const old of releases.slice(0, Math.max(0, releases.length - keep))) {
    rmSync(join(buildDir, 'releases', old), { recursive: true, force: true });
  }
}

/** With NEXT_BUILD_LOCK=<file>, runs the whole build under flock so parallel builds of one tree (.next) queue up. */
function relaunchUnderLock() {
  const lock = process.env.NEXT_BUILD_LOCK;
  if (!lock || process.env.BUILD_STANDALONE_LOCKED || args.includes('--print-hash')) return;
  const result = spawnSync('flock', [lock, process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BUILD_STANDALONE_LOCKED: '1' },
  });
  process.exit(result.status ?? 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  relaunchUnderLock();
  const started = Date.now();
  const hash = sourceHash();
  if (args.includes('--print-hash')) {
    console.log(hash);
    process.exit(0);
  }
  if (!args.includes('--skip-build')) runNextBuild();
  const { id, release } = makeRelease(hash);
  activate(id);
  if (!existsSync(join(root, 'models'))) console.warn('build-standalone: ./models is missing; run `npm run setup:models` before starting');
  console.log(`build-standalone: release ${id} ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${release})`);
}
