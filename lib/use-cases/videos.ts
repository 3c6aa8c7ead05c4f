import 'server-only';
import type { BoundingBox } from '../contract/rekognition';
import { AppError } from '../errors';
import { optOutFilter } from '../recognizer/opt-out';
import { deleteTokenFromHeaders, verifyDeleteToken } from '../security/delete-token';
import { getVideoStore, type StoredVideo, type StoredVideoFile, type VideoStatus } from '../store';
import type { VideoProbe } from '../video/ffmpeg';
import type { VideoPerson } from '../video/types';
import { resolvedOptOutIds } from './recognitions';
import { wakeVideoJobs } from './video-jobs';

export interface AppearanceView {
  startMs: number;
  endMs: number;
  boundingBox: BoundingBox;
  confidence: number;
}

/** A person as pages and the API show them; `thumbnail` numbers their best-face picture. */
export interface PersonView {
  id: string;
  kind: VideoPerson['kind'];
  name: string;
  urls: string[];
  confidence: number;
  thumbnail: number;
  appearances: AppearanceView[];
}

/** A video and its job as it may be shown now (opted-out people shown as unknown persons). */
export interface VideoView {
  id: string;
  createdAt: string;
  status: VideoStatus;
  statusMessage: string | null;
  progress: { framesDone: number; framesPlanned: number; percent: number };
  video: VideoProbe & { mimeType: string };
  intervalMs: number;
  celebrities: PersonView[];
  unknownPersons: PersonView[];
  /** Everything, with each appearance's per-frame sightings: for the Rekognition-compatible endpoint. */
  persons: VideoPerson[];
}

function toPersonView(person: VideoPerson, thumbnail: number): PersonView {
  return {
    id: person.id,
    kind: person.kind,
    name: person.name,
    urls: person.urls,
    confidence: Math.round(person.confidence * 10) / 10,
    thumbnail,
    appearances: person.appearances.map((a) => ({ startMs: a.startMs, endMs: a.endMs, boundingBox: a.boundingBox, confidence: Math.round(a.confidence * 10) / 10 })),
  };
}

/**
 * A stored video as it may be shown now: celebrities on the opt-out list become unknown persons (numbered
 * after the others), however long ago the job ran.
 */
async function toView(video: StoredVideo): Promise<VideoView> {
  const persons = video.result?.persons ?? [];
  const optedOut = persons.some((p) => p.kind === 'celebrity') ? await optOutFilter(await resolvedOptOutIds()) : () => false;
  const isOptedOut = (p: VideoPerson) => p.kind === 'celebrity' && optedOut({ Id: p.id, Name: p.name, Urls: [], Face: { BoundingBox: p.bestFace.box, Confidence: 0 }, MatchConfidence: 0 });
  const indexed = persons.map((person, thumbnail) => ({ person, thumbnail }));
  const celebrities = indexed.filter(({ person }) => person.kind === 'celebrity' && !isOptedOut(person));
  const unknown = indexed.filter(({ person }) => person.kind === 'unknown');
  const redacted = indexed.filter(({ person }) => isOptedOut(person));
  const unknownViews = [...unknown, ...redacted].map(({ person, thumbnail }, n): { person: VideoPerson; thumbnail: number } => ({
    person: {
      ...person,
      kind: 'unknown',
      id: `unknown-${n + 1}`,
      name: `Unknown person ${n + 1}`,
      urls: [],
      appearances: person.appearances.map((a) => ({ ...a, sightings: a.sightings.map((s) => ({ ...s, matchConfidence: null })) })),
    },
    thumbnail,
  }));
  const { framesDone, framesPlanned } = video;
  const done = video.status === 'done' ? framesPlanned : Math.min(framesDone, framesPlanned);
  return {
    id: video.id,
    createdAt: video.createdAt,
    status: video.status,
    statusMessage: video.statusMessage,
    progress: { framesDone: done, framesPlanned, percent: framesPlanned ? Math.floor((100 * done) / framesPlanned) : 0 },
    video: { ...video.metadata, mimeType: video.mimeType },
    intervalMs: video.intervalMs,
    celebrities: celebrities.map(({ person, thumbnail }) => toPersonView(person, thumbnail)),
    unknownPersons: unknownViews.map(({ person, thumbnail }) => toPersonView(person, thumbnail)),
    persons: [...celebrities.map((c) => c.person), ...unknownViews.map((u) => u.person)],
  };
}

/** The video and its job's state, or null for an unknown id. Looking at a waiting job nudges the runner. */
export async function getVideo(id: string): Promise<VideoView | null> {
  const video = await getVideoStore().get(id);
  if (!video) return null;
  if (video.status === 'queued' || video.status === 'processing') wakeVideoJobs();
  return toView(video);
}

/** The stored video for the player (Range requests are served from it, on any host), or null. */
export function getVideoFile(id: string): Promise<StoredVideoFile | null> {
  return getVideoStore().videoFile(id);
}

export function getVideoPoster(id: string): Promise<Uint8Array | null> {
  return getVideoStore().readPoster(id);
}

/** Best-face thumbnail `n` (the person's `thumbnail` number), or null. */
export function getVideoFaceThumbnail(id: string, n: number): Promise<Uint8Array | null> {
  return getVideoStore().readFaceThumbnail(id, n);
}

/**
 * Deletes a video, its job (stopped if running), results and files for the holder of its delete token.
 * AppError: not_found, unauthorized without a token, forbidden with a wrong one.
 */
export async function deleteVideo(id: string, headers: Headers): Promise<void> {
  const store = getVideoStore();
  const hash = await store.getDeleteTokenHash(id);
  if (!hash && !(await store.get(id))) throw new AppError('not_found', 'No video with this id.');
  const token = deleteTokenFromHeaders(headers);
  if (!token) throw new AppError('unauthorized', 'Send the delete token as "Authorization: Bearer <token>".');
  if (!hash || !verifyDeleteToken(token, hash)) throw new AppError('forbidden', 'This delete token does not match the video.');
  // A running job notices at its next lease renewal or checkpoint that its row is gone, and stops.
  await store.remove(id);
}
