import 'server-only';
import { LOOKALIKES_SHOWN, type Lookalike } from '../contract/lookalikes';
import type { BoundingBox, ComparedFace, RecognizeCelebritiesResult } from '../contract/rekognition';
import { recognizerWithin } from '../recognizer';
import { getStore, type StoredRecognition } from '../store';

/**
 * "Looks a bit like" for a result page: the people nearest each face, kept with the result when it was
 * recognized (local recognizer only), shown now: people since removed or opted out are left out (recognizer
 * lookups by id answer only people it may name), renamed people carry their current name, and a recognized
 * face's own name is not among its lookalikes.
 */

function facesOf(result: RecognizeCelebritiesResult): ComparedFace[] {
  return [...result.CelebrityFaces.map((c) => c.Face), ...result.UnrecognizedFaces];
}

const sameBox = (a: BoundingBox, b: BoundingBox) => a.Left === b.Left && a.Top === b.Top && a.Width === b.Width && a.Height === b.Height;

/** Current names of the people still known and not opted out; empty while the recognizer loads (a page does not wait for it). */
async function currentNames(ids: readonly string[]): Promise<Map<string, string>> {
  const current = new Map<string, string>();
  const recognizer = await recognizerWithin(50).catch(() => null);
  if (!recognizer) return current;
  await Promise.all(ids.map(async (id) => {
    const info = await recognizer.getCelebrityInfo(id).catch(() => null);
    if (info) current.set(id, info.Name);
  }));
  return current;
}

/**
 * The lookalikes of every face of `shown` (a result as getRecognition gives it: opt-outs applied), in its
 * face order (celebrities first, then unrecognized faces): up to LOOKALIKES_SHOWN people each.
 */
export async function lookalikesForPage(shown: StoredRecognition): Promise<Lookalike[][]> {
  // The stored result's own face order (the shown one has opted-out people moved to the unrecognized faces).
  const stored = await getStore().get(shown.id);
  const kept = stored?.lookalikes;
  const faces = facesOf(shown.result);
  if (!stored || !kept) return faces.map(() => []);
  const storedFaces = facesOf(stored.result);
  const names = await currentNames([...new Set(kept.flat().map((l) => l.id))]);
  return faces.map((face, index) => {
    const storedIndex = storedFaces.findIndex((f) => sameBox(f.BoundingBox, face.BoundingBox));
    const named = shown.result.CelebrityFaces[index]?.Id;
    return (kept[storedIndex] ?? [])
      .filter((l) => l.id !== named && names.has(l.id))
      .slice(0, LOOKALIKES_SHOWN)
      .map((l) => ({ ...l, name: names.get(l.id)! }));
  });
}
