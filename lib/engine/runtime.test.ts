/** loadModel's rewritten-graph files (models/.derived): written once, reused, refreshed, optional. */
import { copyFile, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freeDetectorInputSize } from './onnx-rewrite';
import { inProcessHost, loadModel, type GraphRewrite } from './runtime';

const DETECT = resolve(import.meta.dirname, '../../models/fr_detect.onnx');

/** The detector's free-size rewrite, counting how often it actually runs. */
function countingRewrite(): GraphRewrite & { runs: number } {
  const rewrite = {
    id: 'free-size-test',
    runs: 0,
    apply(bytes: Uint8Array) {
      rewrite.runs += 1;
      return freeDetectorInputSize(bytes).bytes;
    },
  };
  return rewrite;
}

const dirs: string[] = [];
async function modelDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-derived-'));
  dirs.push(dir);
  await copyFile(DETECT, join(dir, 'fr_detect.onnx'));
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('rewritten graphs kept as files', () => {
  it('rewrites once, loads the file after that, and rewrites again when the model changes', async () => {
    const dir = await modelDir();
    const model = join(dir, 'fr_detect.onnx');
    const rewrite = countingRewrite();
    const host = inProcessHost({ intraOpThreads: 1 });
    try {
      const first = await loadModel(model, host, { rewrite });
      expect(first.outputNames).toEqual(['scores', 'locations']);
      const derived = await readdir(join(dir, '.derived'));
      expect(derived).toHaveLength(1);
      expect(derived[0]).toMatch(/^fr_detect\.free-size-test\.\d+-\d+\.onnx$/);
      const second = await loadModel(model, host, { rewrite });
      expect(second.outputNames).toEqual(['scores', 'locations']);
      expect(rewrite.runs).toBe(1);
      await utimes(model, new Date(), new Date(Date.now() + 60_000)); // a new model file
      await loadModel(model, host, { rewrite });
      expect(rewrite.runs).toBe(2);
      expect(await readdir(join(dir, '.derived'))).toHaveLength(2);
    } finally {
      await host.close();
    }
  });

  it('loads the rewritten bytes from memory when the folder cannot hold .derived', async () => {
    const dir = await modelDir();
    await writeFile(join(dir, '.derived'), 'not a folder');
    const rewrite = countingRewrite();
    const host = inProcessHost({ intraOpThreads: 1 });
    try {
      const model = await loadModel(join(dir, 'fr_detect.onnx'), host, { rewrite });
      expect(model.outputNames).toEqual(['scores', 'locations']);
      expect(rewrite.runs).toBe(1);
    } finally {
      await host.close();
    }
  });
});
