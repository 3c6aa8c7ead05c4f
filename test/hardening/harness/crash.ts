import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { readPhoto, REAL_PHOTOS } from './images';
import { startHardeningServer } from './server';

export interface CrashResult {
  acknowledged: number;
  inFlightAtKill: number;
  rowsAfterRestart: number;
  /** Acknowledged results whose JSON and photo were both served intact after the restart. */
  acknowledgedIntact: number;
  /** Every stored row (acknowledged or not) whose photo is served and decodes completely. */
  rowsIntact: number;
  /** Photos served after restart that failed to decode or did not match their recorded size. */
  broken: string[];
  missing: string[];
}

async function uploadOnce(baseUrl: string, photo: Uint8Array): Promise<string> {
  const form = new FormData();
  form.append('image', new Blob([Buffer.from(photo)], { type: 'image/jpeg' }), 'photo.jpg');
  const response = await fetch(`${baseUrl}/api/recognitions`, { method: 'POST', body: form });
  if (response.status !== 201) throw new Error(`upload answered ${response.status}`);
  return ((await response.json()) as { id: string }).id;
}

/** Whether result `id` and its photo are served whole: JSON 200, photo 200 decoding to the recorded size. */
async function isIntact(baseUrl: string, id: string): Promise<boolean> {
  const result = await fetch(`${baseUrl}/api/recognitions/${id}`);
  if (result.status !== 200) return false;
  const { image } = (await result.json()) as { image: { width: number; height: number } };
  const photo = await fetch(`${baseUrl}/api/recognitions/${id}/image`);
  if (photo.status !== 200) return false;
  try {
    // failOn 'truncated' makes a half-written JPEG an error instead of a grey-padded picture.
    const { info } = await sharp(Buffer.from(await photo.arrayBuffer()), { failOn: 'truncated' }).raw().toBuffer({ resolveWithObject: true });
    return info.width === image.width && info.height === image.height;
  } catch {
    return false;
  }
}

/**
 * Starts a server, keeps `parallel` uploads of real photos in flight, SIGKILLs the server once
 * `killAfterAcks` uploads were acknowledged (201), restarts it on the same DATA_DIR and checks every
 * acknowledged result, and every row the database holds, is served intact.
 */
export async function runCrashTest(port: number, dataDir: string, options = { parallel: 4, killAfterAcks: 8 }): Promise<CrashResult> {
  const photos = await Promise.all(REAL_PHOTOS.map((path) => readPhoto(path)));
  const env = { RECOGNITION_QUEUE_DEPTH: '64', CLIENT_RECOGNITION_RATE: '0', CLIENT_MAX_IN_FLIGHT: '0' };
  const first = await startHardeningServer(port, dataDir, env);
  const acknowledged: string[] = [];
  let inFlight = 0;
  let killed = false;
  let inFlightAtKill = 0;
  await new Promise<void>((resolve) => {
    const launch = (n: number) => {
      if (killed) return;
      inFlight += 1;
      uploadOnce(first.baseUrl, photos[n % photos.length]!)
        .then((id) => acknowledged.push(id), () => undefined)
        .finally(() => {
          inFlight -= 1;
          if (!killed && acknowledged.length >= options.killAfterAcks) {
            killed = true;
            inFlightAtKill = inFlight;
            void first.kill().then(() => resolve(), () => resolve());
          } else launch(n + options.parallel);
        });
    };
    for (let i = 0; i < options.parallel; i += 1) launch(i);
  });
  const second = await startHardeningServer(port, dataDir, env);
  try {
    const db = new Database(join(dataDir, 'recognitions.sqlite'), { readonly: true });
    const rows = db.prepare<[], { id: string }>('SELECT id FROM recognitions').all().map((row) => row.id);
    db.close();
    const intact = new Set<string>();
    for (const id of new Set([...rows, ...acknowledged])) if (await isIntact(second.baseUrl, id)) intact.add(id);
    return {
      acknowledged: acknowledged.length,
      inFlightAtKill,
      rowsAfterRestart: rows.length,
      acknowledgedIntact: acknowledged.filter((id) => intact.has(id)).length,
      rowsIntact: rows.filter((id) => intact.has(id)).length,
      broken: rows.filter((id) => !intact.has(id)),
      missing: acknowledged.filter((id) => !rows.includes(id)),
    };
  } finally {
    await second.stop();
  }
}
