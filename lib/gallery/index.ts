/**
 * lib/gallery: celebrities (id, name, urls, known gender, embeddings), their on-disk store, the
 * nearest-neighbour index and the open-set matching policy. Plain Node: used by the server, CLIs and tests.
 */
export { createEmbeddingIndex, searchExact, type EmbeddingIndex, type SearchHit } from './embedding-index';
export {
  EMBEDDING_DIMS, addEmbedding, addGenderVote, addUrl, createGallery, embeddingCount, ensurePerson, findPerson, flattenGallery, removePerson,
  type Gallery, type Gender, type Person, type PhotoOutcome, type PhotoRecord, type SampleNote,
} from './gallery';
export { assignCelebrityId, celebrityIdFor, normalizeName } from './ids';
export { imdbUrl, loadImdbCsv, parseImdbCsv } from './imdb';
export { applyPhotoResult, folderToName, pickFaceByReference, pickSubjectFace, planImport, type CandidateFace, type ImportPlan, type PhotoTask } from './import-plan';
export {
  bestCosine, centroidSimilarity, createPeopleBase, createPeopleIndex, extendPeopleIndex, type ExtraRows, type PeopleBase, type PeopleIndex, type RowPart,
} from './people-index';
export {
  CENTROID_WEIGHT, CONFIDENCE_CENTER, CONFIDENCE_SCALE, DEFAULT_MATCH_THRESHOLD, FLIP_BAND, MARGIN_WEIGHT, decideMatch, faceQuality, matchFace, matchScore, needsFlipAveraged,
  qualityOffset, rankPeople, rankWithNegatives, searchPeople, similarityToConfidence,
  type FaceQuality, type MatchDecision, type MatchableFace, type PersonScore,
} from './match';
export {
  GALLERY_FILE, galleryVersion, loadGallery, readSampleFace, removeSampleFaces, saveGallery, writeFileDurably, writeSampleFace,
} from './gallery-files';
export { GALLERY_LOCK, GalleryBusyError, withGalleryLock } from './gallery-lock';
export { createGalleryFolder, type OperatorGallery } from './operator-gallery';
export {
  ADDED_SOURCE_PREFIX, layerKnownPeople, mergeKnownPeople, operatorOrigin, type KnownPerson, type LayeredPeople, type MergedPeople,
} from './merge';
export { EMPTY_OPT_OUT, isOptedOut, loadOptOut, optOutVersion, parseOptOut, setOptedOut, type OptOutList } from './opt-out';
export {
  addNegativeSample, addSample, entryFor, isEmptyEntry, isSampleId, newSampleId, removeEntries, removeSample, sampleIdOf, sampleOrigin,
  type SampleOrigin,
} from './people-edit';
export {
  PACK_EMBEDDINGS_FILE, PACK_FILE, PackModelMismatchError, decodePackRows, encodePackRows, fileSha256, loadPack, packPeople, writePack,
  type CelebrityPack, type PackMeta, type PackPerson,
} from './pack';
