import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { datasetPath } from './paths';

/** A real photo from ../shared/datasets and what is truly in it (checked by eye, not taken from our output). */
export interface TestPhoto {
  path: string;
  name: string;
  mimeType: string;
  celebrities: string[];
  faces: number;
}

function photo(relative: string, celebrities: string[], faces = celebrities.length): TestPhoto {
  return { path: datasetPath(relative), name: basename(relative), mimeType: relative.endsWith('.png') ? 'image/png' : 'image/jpeg', celebrities, faces };
}

const FIVE_VAL = 'raw/five_celebrity_jasmcaus/Resources/Faces/val';

export const photos = {
  kitWithRose: photo('raw/face_recognition_ageitgey/examples/knn_examples/test/kit_with_rose.jpg', ['Kit Harington', 'Rose Leslie']),
  obama: photo('raw/face_recognition_ageitgey/examples/obama.jpg', ['Barack Obama']),
  biden: photo('raw/face_recognition_ageitgey/examples/biden.jpg', ['Joe Biden']),
  benAffleck: photo(`${FIVE_VAL}/ben_afflek/2.jpg`, ['Ben Affleck']),
  madonna: photo(`${FIVE_VAL}/madonna/1.jpg`, ['Madonna']),
  mindyKaling: photo(`${FIVE_VAL}/mindy_kaling/1.jpg`, ['Mindy Kaling']),
  /** Ordinary people, in nobody's gallery. */
  lady: photo('raw/five_celebrity_jasmcaus/Resources/Photos/lady.jpg', [], 1),
  strangersGroup: photo('raw/five_celebrity_jasmcaus/Resources/Photos/group 2.jpg', [], 5),
} as const;

export function photoBytes(test: TestPhoto): Buffer {
  return readFileSync(test.path);
}

/** IMDb pages the gallery's IMDb CSV gives these people (jaakkosarela/movierecommender's nconst ids). */
export const imdbPages: Record<string, string> = {
  'Kit Harington': 'https://www.imdb.com/name/nm3229685/',
  'Rose Leslie': 'https://www.imdb.com/name/nm3310211/',
  'Ben Affleck': 'https://www.imdb.com/name/nm0000255/',
};
