import 'server-only';
import type { AppConfig } from '../config';
import { join } from 'node:path';
import { EMBEDDING_MODEL_FILE, createEngine } from '../engine';
import type { AnalyzedFace, FaceEngine, KeptPixels } from '../engine/types';
import { AppError, toAppError } from '../errors';
import {
  DEFAULT_MATCH_THRESHOLD, faceQuality, fileSha256, loadPack, matchFace, packPeople, type FaceQuality, type KnownPerson, type MatchDecision, type PersonScore,
} from '../gallery';
import type { CelebrityCatalog } from './local-catalog';
import { createLiveGallery, type GallerySnapshot, type LiveGallery } from './local-gallery';
import type { Celebrity, ComparedFace, RecognizeCelebritiesResult } from '../contract/rekognition';
import type { Recognizer, RecognizeOptions } from './types';
import { observeStages } from '../observability/metrics';
import type { FaceObservation } from '../video/types';
import { LOOKALIKES_KEPT, type FaceLookalikes, type Lookalike } from '../contract/lookalikes';
import type { BoundingBox } from '../contract/rekognition';
import { createPeopleAdmin, type PeopleAdmin } from './local-people';
import { operatorGalleryFor, sharedPgDatabase } from '../store';

export type { CelebrityCatalog, CelebrityPage } from './local-catalog';

/** The offline recognizer, plus a paged celebrity list for the web app's /celebrities page. */
export type LocalRecognizer = Recognizer & CelebrityCatalog & {
  /** Ids of the known people the opt-out list removes (matched by id, name or another spelling). */
  optedOutIds(): Promise<ReadonlySet<string>>;
  /**
   * Every face of one video frame (JPEG bytes) with its identity vector and this frame's own match, for
   * tracking faces between frames (lib/video). One person is named at most once a frame, as in a photo.
   */
  recognizeFrame(image: Uint8Array): Promise<FaceObservation[]>;
  /**
   * recognizeCelebrities plus each face's nearest people ("looks a bit like"), in the result's face order;
   * with `keepPixels`, also the upright pixels the engine decoded (the upload path crops thumbnails from them).
   */
  recognizeWithLookalikes(image: Uint8Array, options?: RecognizeOptions & { keepPixels?: boolean }): Promise<{ result: RecognizeCelebritiesResult; lookalikes: FaceLookalikes; pixels?: KeptPixels }>;
  /** Every face in a photo with its flip-averaged embedding (as gallery samples are stored), largest first: for adding samples. */
  findFaces(image: Uint8Array): Promise<FoundFacesInPhoto>;
  /** The people the admin area manages, and its changes to the operator's gallery. */
  people: PeopleAdmin;
};

/** Faces found to add as samples: boxes as ratios of the upright photo, as in results. */
export interface FoundFacesInPhoto {
  width: number;
  height: number;
  faces: Array<{ box: BoundingBox; confidence: number; embedding: Float32Array }>;
}

interface FaceMatch {
  face: ComparedFace;
  decision: MatchDecision | null;
  /** The people ranked for the face's own embedding (before any mirror run): its lookalikes. */
  ranked: PersonScore[];
}

function toCelebrity(snapshot: GallerySnapshot, face: ComparedFace, decision: MatchDecision): Celebrity {
  const person = snapshot.people[decision.person]!;
  return {
    Urls: [...person.urls],
    Name: person.name,
    Id: person.id,
    Face: face,
    MatchConfidence: decision.confidence,
    ...(person.knownGender ? { KnownGender: { Type: person.knownGender } } : {}),
  };
}

/**
 * One person appears at most once in a photo: when two faces match the same celebrity, only the better
 * match keeps the name and the other face goes to UnrecognizedFaces (it is far more likely a look-alike).
 */
function assemble(snapshot: GallerySnapshot, matches: FaceMatch[]): RecognizeCelebritiesResult {
  const bestFaceOfPerson = new Map<number, number>();
  matches.forEach((m, i) => {
    if (!m.decision) return;
    const holder = bestFaceOfPerson.get(m.decision.person);
    if (holder === undefined || matches[holder]!.decision!.similarity < m.decision.similarity) bestFaceOfPerson.set(m.decision.person, i);
  });
  const result: RecognizeCelebritiesResult = { CelebrityFaces: [], UnrecognizedFaces: [] };
  matches.forEach((m, i) => {
    if (m.decision && bestFaceOfPerson.get(m.decision.person) === i) result.CelebrityFaces.push(toCelebrity(snapshot, m.face, m.decision));
    else result.UnrecognizedFaces.push(m.face);
  });
  return result;
}

/** The five points matching reads (eyes, nose, mouth corners), in the order faceQuality takes them. */
const FIVE_POINTS = ['eyeLeft', 'eyeRight', 'nose', 'mouthLeft', 'mouthRight'] as const;

/** A face's quality signs for its operating point (lib/gallery qualityOffset); none without its raw norm. */
function qualityOf(f: AnalyzedFace): FaceQuality | undefined {
  if (f.embeddingNorm === undefined) return undefined;
  // Landmarks are ratios of the image; the box in pixels gives the scale back.
  const box = f.face.BoundingBox;
  const sx = box?.Width ? f.box.width / box.Width : 0;
  const sy = box?.Height ? f.box.height / box.Height : 0;
  const five = FIVE_POINTS.flatMap((type) => {
    const l = f.face.Landmarks?.find((m) => m.Type === type);
    return l?.X !== undefined && l.Y !== undefined ? [{ x: l.X * sx, y: l.Y * sy }] : [];
  });
  return faceQuality(f.embeddingNorm, (f.face.Confidence ?? 0) / 100, five);
}

function matchFaces(gallery: LiveGallery, snapshot: GallerySnapshot, faces: AnalyzedFace[], threshold: number): Promise<FaceMatch[]> {
  return Promise.all(faces.map(async (f) => {
    let first: PersonScore[] | undefined;
    const rank = (embedding: Float32Array) => {
      const ranked = gallery.nearest(snapshot, embedding);
      first ??= ranked;
      return ranked;
    };
    const decision = await matchFace({ ...f, quality: qualityOf(f) }, rank, threshold);
    return { face: f.face, decision, ranked: first ?? [] };
  }));
}

/** The LOOKALIKES_KEPT people nearest to each face of `result` (its own order: celebrities, then unrecognized faces). */
function lookalikesOf(snapshot: GallerySnapshot, result: RecognizeCelebritiesResult, matches: FaceMatch[]): FaceLookalikes {
  const rankedOf = new Map(matches.map((m) => [m.face, m.ranked]));
  const faces = [...result.CelebrityFaces.map((c) => c.Face), ...result.UnrecognizedFaces];
  return faces.map((face) => [...(rankedOf.get(face) ?? [])]
    .sort((a, b) => b.score - a.score)
    .slice(0, LOOKALIKES_KEPT)
    .map(({ person, score }): Lookalike => ({ id: snapshot.people[person]!.id, name: snapshot.people[person]!.name, similarity: Math.round(score * 100) })));
}

/**
 * The shipped pack's people, checked against the embedding model this server runs (refused on a mismatch).
 * Read anew for each gallery snapshot (a few tens of ms, at start and after an import or opt-out edit)
 * rather than held: the snapshot's index keeps int8 rows only, and the decoded rows are 35 MB.
 */
function packReader(config: AppConfig): () => Promise<KnownPerson[]> {
  const packDir = config.CELEBRITY_PACK;
  if (!packDir) return async () => [];
  const modelHash = fileSha256(join(config.MODEL_DIR, EMBEDDING_MODEL_FILE));
  return async () => packPeople(await loadPack(packDir, await modelHash));
}

/**
 * The offline recognizer: lib/engine finds and embeds every face, lib/gallery names the ones that clear
 * MATCH_THRESHOLD (default DEFAULT_MATCH_THRESHOLD, chosen on the pack's held-out photos; docs/gallery.md). Whom it knows is
 * the celebrity pack plus the operator's gallery at GALLERY_PATH minus the opt-out list; the last two are
 * reloaded without a restart when they change.
 */
export async function createLocalRecognizer(config: AppConfig, engineOverride?: FaceEngine): Promise<LocalRecognizer> {
  const threshold = config.MATCH_THRESHOLD ?? DEFAULT_MATCH_THRESHOLD;
  // With DATABASE_URL the operator's people live in PostgreSQL, shared by every host; the pack stays this release's.
  const operator = operatorGalleryFor(config, sharedPgDatabase(config));
  const gallery = createLiveGallery({ galleryDir: config.GALLERY_PATH, pack: packReader(config), optOutPath: config.GALLERY_OPT_OUT, operator });
  const [engine] = await Promise.all([engineOverride ?? createEngine({ modelDir: config.MODEL_DIR, netWorkers: config.ENGINE_WORKERS }), gallery.current()]);
  const recognize = async (image: Uint8Array, options: RecognizeOptions & { keepPixels?: boolean }) => {
    try {
      // The mirror image's embedding runs only for faces whose match it could change (lib/gallery matchFace).
      const [analysis, snapshot] = await Promise.all([engine.analyze(image, { mirrorEmbedding: 'on-demand', embeddingsOnly: options.attributes === false, keepPixels: options.keepPixels ?? false }), gallery.current()]);
      const matchStarted = performance.now();
      const matches = await matchFaces(gallery, snapshot, analysis.faces, threshold);
      const result = assemble(snapshot, matches);
      observeStages({ ...analysis.timings, match: performance.now() - matchStarted });
      return { result, snapshot, matches, pixels: analysis.pixels };
    } catch (error) {
      throw toAppError(error);
    }
  };
  return {
    kind: 'local',
    async recognizeCelebrities(image, options = {}) {
      return (await recognize(image, options)).result;
    },
    async recognizeWithLookalikes(image, options = {}) {
      const { result, snapshot, matches, pixels } = await recognize(image, options);
      return { result, lookalikes: lookalikesOf(snapshot, result, matches), ...(pixels ? { pixels } : {}) };
    },
    async findFaces(image) {
      try {
        const analysis = await engine.analyze(image, { embeddingsOnly: true, mirrorEmbedding: 'always' });
        const faces = analysis.faces.map((f) => ({ box: f.face.BoundingBox, confidence: f.face.Confidence, embedding: f.embedding }));
        return { width: analysis.width, height: analysis.height, faces };
      } catch (error) {
        throw toAppError(error);
      }
    },
    people: createPeopleAdmin(gallery, { galleryDir: config.GALLERY_PATH, optOutPath: config.GALLERY_OPT_OUT, store: operator }),
    async getCelebrityInfo(id) {
      const person = (await gallery.current()).byId.get(id);
      if (!person) throw new AppError('not_found', `No celebrity with id ${id}.`);
      return { Urls: [...person.urls], Name: person.name, ...(person.knownGender ? { KnownGender: { Type: person.knownGender } } : {}) };
    },
    async health() {
      try {
        return { ready: true, celebrities: (await gallery.current()).byId.size };
      } catch {
        return { ready: false, celebrities: null };
      }
    },
    async recognizeFrame(image) {
      try {
        const [analysis, snapshot] = await Promise.all([engine.analyze(image, { mirrorEmbedding: 'on-demand', embeddingsOnly: true }), gallery.current()]);
        const matchStarted = performance.now();
        const matches = await matchFaces(gallery, snapshot, analysis.faces, threshold);
        observeStages({ ...analysis.timings, match: performance.now() - matchStarted });
        const named = new Set(assemble(snapshot, matches).CelebrityFaces.map((c) => c.Face));
        return matches.map((m, i): FaceObservation => {
          const person = m.decision && named.has(m.face) ? snapshot.people[m.decision.person]! : null;
          return {
            box: m.face.BoundingBox,
            confidence: m.face.Confidence,
            embedding: analysis.faces[i]!.embedding,
            match: person && m.decision
              ? { id: person.id, name: person.name, urls: [...person.urls], confidence: m.decision.confidence, ...(person.knownGender ? { knownGender: person.knownGender } : {}) }
              : null,
          };
        });
      } catch (error) {
        throw toAppError(error);
      }
    },
    listCelebrities: (options) => gallery.list(options),
    optedOutIds: async () => (await gallery.current()).optedOutIds,
  };
}
