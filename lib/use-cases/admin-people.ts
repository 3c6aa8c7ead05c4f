import 'server-only';
import { AppError, toAppError } from '../errors';
import { cropFace } from '../images/crop';
import { inspectUpload, toStoredPhoto } from '../images/normalize';
import { GalleryBusyError } from '../gallery';
import { getRecognizer } from '../recognizer';
import type { FoundFacesInPhoto, LocalRecognizer } from '../recognizer/local';
import type { NewSample, PeopleChange, PeoplePage, PersonDetail } from '../recognizer/local-people';
import type { BoundingBox } from '../contract/rekognition';
import { admit } from './admission';

export type { PeoplePage, PersonDetail, PersonSummary, SampleInfo } from '../recognizer/local-people';

/**
 * People management for the admin area (docs/admin.md): search everyone the server knows, open a person,
 * edit, remove, add people and samples from photos. The callers (routes, pages) have checked the admin's
 * credentials (admin-session). Needs the local recognizer: with AWS Rekognition there is no gallery to manage.
 */

/** Most photos one request may add. */
export const MAX_PHOTOS = 20;

/** The local recognizer, or 409: people are managed only where the server keeps its own gallery. */
export async function localRecognizer(): Promise<LocalRecognizer> {
  const recognizer = await getRecognizer();
  if (recognizer.kind !== 'local') throw new AppError('conflict', 'This server names people with AWS Rekognition: there is no gallery of its own to manage (RECOGNIZER=local).');
  return recognizer as LocalRecognizer;
}

/** One photo of a request that cannot become a face sample, and why (in words for people, and as a code). */
export interface PhotoProblem {
  /** 0-based position of the photo in the request. */
  index: number;
  file: string;
  reason: 'no_face' | 'several_faces' | 'no_such_face' | 'unreadable' | 'too_large' | 'too_small';
  message: string;
  /** Faces found, for no_face / several_faces / no_such_face. */
  faces?: number;
}

/** 400 with the reason of every photo that has no usable face; nothing was saved. */
export class PhotoProblemsError extends AppError {
  constructor(readonly photos: PhotoProblem[]) {
    super('invalid_input', photos.length === 1 ? `Photo ${photos[0]!.index + 1} (${photos[0]!.file}): ${photos[0]!.message}` : `${photos.length} photos have no usable face; nothing was saved.`);
  }

  override toJSON(requestId?: string) {
    const body = super.toJSON(requestId);
    return { error: { ...body.error, photos: this.photos } };
  }
}

/** Admin writes wait a few seconds for the gallery's lock (an import holds it while it runs). */
async function guarded<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof GalleryBusyError) throw new AppError('busy', 'The gallery is being changed by an import or another request. Try again shortly.', { retryAfterSeconds: 5 });
    throw error;
  }
}

function changed(outcome: PeopleChange, id: string): PersonDetail {
  if (outcome.ok) return outcome.person;
  if (outcome.reason === 'name_taken') throw new AppError('conflict', 'Another person already has that name.');
  if (outcome.reason === 'not_operator_sample') throw new AppError('conflict', 'Samples from the celebrity pack cannot be removed one by one; opt the person out instead.');
  throw new AppError('not_found', `No person with id ${id}.`);
}

/** A photo's faces, found through the recognition queue (it is the same CPU work), and the upright photo to crop them from. */
async function facesIn(recognizer: LocalRecognizer, bytes: Uint8Array): Promise<FoundFacesInPhoto & { upright: Uint8Array }> {
  return admit(async () => {
    const inspected = await inspectUpload(bytes);
    const [found, upright] = await Promise.all([recognizer.findFaces(bytes), toStoredPhoto(bytes, inspected)]);
    return { ...found, upright: upright.bytes };
  });
}

function problemOf(error: unknown, index: number, file: string): PhotoProblem {
  const appError = toAppError(error);
  if (appError.code === 'too_large') return { index, file, reason: 'too_large', message: appError.message };
  if (appError.code === 'image_too_small') return { index, file, reason: 'too_small', message: appError.message };
  if (appError.code === 'busy' || appError.code === 'timeout' || appError.code === 'internal') throw appError;
  return { index, file, reason: 'unreadable', message: appError.message };
}

/** The face a photo gives: the one chosen, or its only face. */
function chosenFace(found: FoundFacesInPhoto, choice: number | null, index: number, file: string): { box: BoundingBox; embedding: Float32Array } | PhotoProblem {
  const faces = found.faces.length;
  if (faces === 0) return { index, file, reason: 'no_face', message: 'No face was found in this photo.', faces };
  if (choice !== null) {
    const face = found.faces[choice];
    return face ?? { index, file, reason: 'no_such_face', message: `Face ${choice + 1} was asked for, but the photo has ${faces}.`, faces };
  }
  if (faces > 1) return { index, file, reason: 'several_faces', message: `${faces} faces were found: say which one is the person (face ${Array.from({ length: faces }, (_, i) => i).join(', ')}, largest first).`, faces };
  return found.faces[0]!;
}

export interface NewPersonInput {
  name: string;
  urls: string[];
  photos: Array<{ file: string; bytes: Uint8Array }>;
  /** Per photo: the face to take (0-based, largest first, as previewFaces lists them), or null for its only face. */
  faces: Array<number | null>;
}

/**
 * Adds a person (or, when someone already has the name, adds to them) from 1-20 photos, one face each. Every
 * photo is checked before anything is saved: any without a usable face fails the request with 400 and the
 * reason per photo. Saved durably; recognized on this worker at once and on the others within a second.
 */
export async function createPerson(input: NewPersonInput): Promise<{ id: string; name: string; samples: number }> {
  const recognizer = await localRecognizer();
  const at = new Date().toISOString();
  const problems: PhotoProblem[] = [];
  const samples: NewSample[] = [];
  for (const [index, photo] of input.photos.entries()) {
    let found: Awaited<ReturnType<typeof facesIn>>;
    try {
      found = await facesIn(recognizer, photo.bytes);
    } catch (error) {
      problems.push(problemOf(error, index, photo.file));
      continue;
    }
    const face = chosenFace(found, input.faces[index] ?? null, index, photo.file);
    if ('reason' in face) {
      problems.push(face);
      continue;
    }
    const crop = await cropFace(found.upright, { width: found.width, height: found.height }, face.box);
    samples.push({ embedding: face.embedding, crop, note: { at, from: 'photo', file: photo.file.slice(0, 200) } });
  }
  if (problems.length > 0) throw new PhotoProblemsError(problems);
  const person = changed(await guarded(recognizer.people.addSamples({ name: input.name, urls: input.urls }, samples)), input.name);
  return { id: person.id, name: person.name, samples: person.samples };
}

/** Adds samples from photos to an existing person (the person page's "Add photos"). */
export async function addPhotosToPerson(id: string, photos: NewPersonInput['photos'], faces: NewPersonInput['faces']): Promise<PersonDetail> {
  const person = await getPerson(id);
  await createPerson({ name: person.name, urls: [], photos, faces });
  return getPerson(id);
}

/** The faces in a photo, before it is saved: boxes (ratios of the upright photo, largest first) for the page to show. */
export async function previewFaces(bytes: Uint8Array): Promise<{ width: number; height: number; faces: Array<{ box: BoundingBox; confidence: number }> }> {
  const found = await facesIn(await localRecognizer(), bytes);
  return { width: found.width, height: found.height, faces: found.faces.map((f) => ({ box: f.box, confidence: f.confidence })) };
}

export async function listPeople(options: { query?: string; page?: number; pageSize?: number }): Promise<PeoplePage> {
  return (await localRecognizer()).people.search(options);
}

export async function getPerson(id: string): Promise<PersonDetail> {
  const person = await (await localRecognizer()).people.get(id);
  if (!person) throw new AppError('not_found', `No person with id ${id}.`);
  return person;
}

export async function updatePerson(id: string, change: { name?: string; urls?: string[] }): Promise<PersonDetail> {
  return changed(await guarded((await localRecognizer()).people.update(id, change)), id);
}

/** Removes a person: the operator's samples and edits go; a pack person is also put on the opt-out list. */
export async function deletePerson(id: string): Promise<void> {
  if (!(await guarded((await localRecognizer()).people.remove(id)))) throw new AppError('not_found', `No person with id ${id}.`);
}

export async function deletePersonSample(id: string, sampleId: string): Promise<PersonDetail> {
  return changed(await guarded((await localRecognizer()).people.removeSample(id, sampleId)), id);
}

export async function setPersonOptedOut(id: string, optedOut: boolean): Promise<PersonDetail> {
  return changed(await guarded((await localRecognizer()).people.setOptedOut(id, optedOut)), id);
}

/** The face crop of a sample added in the admin area (JPEG), or 404. */
export async function personSampleFace(id: string, sampleId: string): Promise<Uint8Array> {
  const face = await (await localRecognizer()).people.sampleFace(id, sampleId);
  if (!face) throw new AppError('not_found', 'No face picture for this sample.');
  return face;
}
