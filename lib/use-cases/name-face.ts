import 'server-only';
import { AppError } from '../errors';
import { cropFace, cropFaces } from '../images/crop';
import type { BoundingBox, ComparedFace, RecognizeCelebritiesResult } from '../contract/rekognition';
import type { NewSample, PersonDetail } from '../recognizer/local-people';
import type { LocalRecognizer } from '../recognizer/local';
import { getStore, type StoredRecognition } from '../store';
import { admit } from './admission';
import { localRecognizer } from './admin-people';
import { getRecognition } from './recognitions';

/**
 * The admin area on a result page (docs/admin.md): "Name this face" adds an unrecognized face to a person
 * (known, or new); "This is not X" keeps a named face as a negative sample of X. Either way the stored
 * photo is recognized again against the changed gallery and the stored result replaced, so the page (and
 * its thumbnails, lookalikes and API answer) shows the new names.
 */

function facesOf(result: RecognizeCelebritiesResult): ComparedFace[] {
  return [...result.CelebrityFaces.map((c) => c.Face), ...result.UnrecognizedFaces];
}

function overlap(a: BoundingBox, b: BoundingBox): number {
  const x = Math.max(0, Math.min(a.Left + a.Width, b.Left + b.Width) - Math.max(a.Left, b.Left));
  const y = Math.max(0, Math.min(a.Top + a.Height, b.Top + b.Height) - Math.max(a.Top, b.Top));
  const shared = x * y;
  return shared / (a.Width * a.Height + b.Width * b.Height - shared);
}

interface FaceOnPage {
  shown: StoredRecognition;
  face: ComparedFace;
  /** The celebrity the page names for this face, if any. */
  named?: { id: string; name: string };
  photo: Uint8Array;
}

async function faceOnPage(id: string, n: number): Promise<FaceOnPage> {
  const shown = await getRecognition(id);
  const face = shown ? facesOf(shown.result)[n] : undefined;
  if (!shown || !face) throw new AppError('not_found', 'No such face in this result.');
  const photo = await getStore().readImage(id);
  if (!photo) throw new AppError('not_found', 'No result with this id.');
  const celebrity = shown.result.CelebrityFaces[n];
  return { shown, face, photo: photo.bytes, ...(celebrity ? { named: { id: celebrity.Id, name: celebrity.Name } } : {}) };
}

/** The face's flip-averaged embedding (as gallery samples are stored), found again in the stored photo, and its crop. */
async function sampleOf(recognizer: LocalRecognizer, page: FaceOnPage, n: number): Promise<NewSample> {
  const found = await admit(() => recognizer.findFaces(page.photo));
  const best = found.faces.map((f) => ({ f, overlap: overlap(f.box, page.face.BoundingBox) })).sort((a, b) => b.overlap - a.overlap)[0];
  if (!best || best.overlap < 0.5) throw new AppError('conflict', 'This face could not be found again in the stored photo.');
  const crop = await cropFace(page.photo, { width: page.shown.image.width, height: page.shown.image.height }, page.face.BoundingBox);
  return { embedding: best.f.embedding, crop, note: { at: new Date().toISOString(), from: 'result', recognition: page.shown.id, face: n } };
}

/** Recognizes the stored photo again (this process has the changed gallery already) and replaces the stored result. */
async function recognizeAgain(recognizer: LocalRecognizer, id: string, photo: Uint8Array): Promise<StoredRecognition> {
  const replaced = await admit(async () => {
    const { result, lookalikes } = await recognizer.recognizeWithLookalikes(photo, { attributes: false });
    const thumbnails = await cropFaces(photo, facesOf(result).map((face) => face.BoundingBox));
    return getStore().replaceResult(id, { result, lookalikes, thumbnails });
  });
  if (!replaced) throw new AppError('not_found', 'The result was deleted meanwhile.');
  return (await getRecognition(id)) ?? replaced;
}

export interface FaceChange {
  person: Pick<PersonDetail, 'id' | 'name'>;
  recognition: StoredRecognition;
}

/** "Name this face": face `n` (as the page numbers them) becomes a sample of `personId`, or of the person named `name` (made if new). */
export async function nameFace(id: string, n: number, target: { personId: string } | { name: string }): Promise<FaceChange> {
  const recognizer = await localRecognizer();
  const page = await faceOnPage(id, n);
  if (page.named) throw new AppError('conflict', `This face is already named ${page.named.name}; mark it "This is not ${page.named.name}" first.`);
  const sample = await sampleOf(recognizer, page, n);
  const outcome = 'personId' in target
    ? await recognizer.people.addSamples({ id: target.personId }, [sample])
    : await recognizer.people.addSamples({ name: target.name }, [sample]);
  if (!outcome.ok) throw new AppError('not_found', 'No person with this id.');
  return { person: { id: outcome.person.id, name: outcome.person.name }, recognition: await recognizeAgain(recognizer, id, page.photo) };
}

/** "This is not X": face `n`, named X on the page, is kept as a negative sample of X; the photo is recognized again. */
export async function rejectFaceName(id: string, n: number): Promise<FaceChange> {
  const recognizer = await localRecognizer();
  const page = await faceOnPage(id, n);
  if (!page.named) throw new AppError('conflict', 'This face is not named: there is no name to reject.');
  const sample = await sampleOf(recognizer, page, n);
  const outcome = await recognizer.people.addNegative(page.named.id, sample);
  if (!outcome.ok) throw new AppError('not_found', `${page.named.name} is no longer known.`);
  return { person: { id: outcome.person.id, name: outcome.person.name }, recognition: await recognizeAgain(recognizer, id, page.photo) };
}
