/**
 * The engine's public entry: everything the app, eval/ and bench/ use. The rest of lib/engine is internal
 * (nets/: one file per model; stages/: what orchestrates them; shared pixel and tensor code beside).
 */
export { createEngine, createFaceChain, type EngineOptions, type FaceChain } from './pipeline';
export type { AnalyzedFace, AnalyzeOptions, FaceEngine, ImageAnalysis, PixelBox } from './types';
export type { Detection, RgbImage, ScaledImage } from './image';
export { decodeImage, jpegDecoder } from './decode';
export { DETECTION_THRESHOLD, type FoundFaces } from './stages/detect';
export { EMBEDDING_MODEL_FILE, EMBEDDING_SIZE, type FaceEmbedding } from './nets/embedder';
export { FACE_PROBE, faceSpaceScore, type FaceProbe } from './faceness';
/** Which pixel loops run (C or JavaScript): benchmarks and the server's start-up log print it. */
export { pixelKernelsIn } from './native';
/** The ORT session settings every net runs with: bench's host reference times a net with the same. */
export { sessionOptions } from './runtime';
