#!/usr/bin/env node
// Fetches the pinned faceplugin tarball from the npm registry, checks its integrity and extracts only
// model/*.onnx into ./models. The package is not a dependency: its declared deps are unrelated build tools.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const PACKAGE = 'faceplugin-face-recognition-js@0.0.1';
const INTEGRITY = 'sha512-shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==';
const MODELS = ['fr_detect', 'fr_landmark', 'fr_feature', 'fr_expression', 'fr_pose', 'fr_age', 'fr_gender', 'fr_eye', 'fr_liveness'];
const modelDir = resolve(process.env.MODEL_DIR ?? 'models');
const stampPath = join(modelDir, '.integrity');

if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === INTEGRITY
    && MODELS.every((m) => existsSync(join(modelDir, `${m}.onnx`)))) {
  console.log(`models: ${modelDir} is up to date`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'cf-models-'));
try {
  console.log(`models: fetching ${PACKAGE} from the npm registry…`);
  execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack produced no tarball');
  const digest = `sha512-${createHash('sha512').update(readFileSync(join(work, tarball))).digest('base64')}`;
  if (digest !== INTEGRITY) throw new Error(`integrity mismatch for ${PACKAGE}: got ${digest}`);
  execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, ...MODELS.map((m) => `package/model/${m}.onnx`)]);
  mkdirSync(modelDir, { recursive: true });
  for (const m of MODELS) renameSync(join(work, 'package/model', `${m}.onnx`), join(modelDir, `${m}.onnx`));
  writeFileSync(stampPath, INTEGRITY);
  console.log(`models: ${MODELS.length} ONNX nets verified and extracted to ${modelDir}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
