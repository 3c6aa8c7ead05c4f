import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { datasetPath } from './paths';

/** A gallery person: their name as a folder (LFW style, Person_Name) and the photos to enrol. */
export interface GallerySource {
  folder: string;
  photos: string[];
}

const KNN_TRAIN = 'raw/face_recognition_ageitgey/examples/knn_examples/train';
const FIVE_TRAIN = 'raw/five_celebrity_jasmcaus/Resources/Faces/train';
/** How many LFW people (those with at least 10 photos, in name order) fill the gallery around the test people. */
const LFW_PEOPLE = 36;
const PHOTOS_PER_PERSON = 6;

/** The people in the test photos, under their real names (the source folders keep some misspellings). */
const namedSources: Array<{ folder: string; dir: string }> = [
  { folder: 'Barack_Obama', dir: `${KNN_TRAIN}/obama` },
  { folder: 'Joe_Biden', dir: `${KNN_TRAIN}/biden` },
  { folder: 'Kit_Harington', dir: `${KNN_TRAIN}/kit_harington` },
  { folder: 'Rose_Leslie', dir: `${KNN_TRAIN}/rose_leslie` },
  { folder: 'Alex_Lacamoire', dir: `${KNN_TRAIN}/alex_lacamoire` },
  { folder: 'Ben_Affleck', dir: `${FIVE_TRAIN}/Ben Afflek` },
  { folder: 'Elton_John', dir: `${FIVE_TRAIN}/Elton John` },
  { folder: 'Jerry_Seinfeld', dir: `${FIVE_TRAIN}/Jerry Seinfield` },
  { folder: 'Madonna', dir: `${FIVE_TRAIN}/Madonna` },
  { folder: 'Mindy_Kaling', dir: `${FIVE_TRAIN}/Mindy Kaling` },
];

function photosIn(dir: string, limit: number): string[] {
  return readdirSync(dir)
    .filter((name) => /\.(jpe?g|png)$/i.test(name))
    .sort()
    .slice(0, limit)
    .map((name) => join(dir, name));
}

/** The e2e gallery: the test photos' people plus a few dozen LFW people, a deterministic selection. */
export function gallerySources(): GallerySource[] {
  const lfwDir = datasetPath('lfw/images_deepfunneled');
  const named = new Set(namedSources.map((s) => s.folder));
  const lfw = readdirSync(lfwDir)
    .sort()
    .filter((name) => !named.has(name))
    .map((name) => ({ folder: name, photos: photosIn(join(lfwDir, name), PHOTOS_PER_PERSON) }))
    .filter((person) => readdirSync(join(lfwDir, person.folder)).length >= 10)
    .slice(0, LFW_PEOPLE);
  return [...namedSources.map((s) => ({ folder: s.folder, photos: photosIn(datasetPath(s.dir), PHOTOS_PER_PERSON) })), ...lfw];
}
