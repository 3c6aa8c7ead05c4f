/**
 * The engine's public entry: what the app and lab code (eval/, bench/) need. The rest of lib/engine is internal
 * (nets/: one file per model; stages/: what orchestrates them; shared pixel and tensor code beside).
 */
export { createEngine, createFaceChain, type EngineOptions, type FaceChain } from './pipeline';
export type { AnalyzedFace, AnalyzeOptions, FaceEngine, ImageAnalysis, KeptPixels, PixelBox } from './types';
export type { Detection, RgbImage, ScaledImage } from './image';
export { decodeImage } from './decode';
export { DETECTION_THRESHOLD, type FoundFaces } from './stages/detect';
export { EMBEDDING_MODEL_FILE, EMBEDDING_PIPELINE_VERSION, EMBEDDING_SIZE, type FaceEmbedding } from './nets/embedder';
export { FACE_PROBE, faceSpaceScore, type FaceProbe } from './faceness';
/** The CPU and each net's ONNX Runtime graph optimisation (FaceEngine.graphs): benchmarks print them. */
export { hostCpu, type HostCpu } from './host-cpu';
export { GRAPH_SETTINGS, type GraphChoice, type GraphSetting } from './graph-choice';
/** Which decoder and pixel loops run (libjpeg or sharp, C or JavaScript): benchmarks print them. */
export { jpegDecoder } from './decode';
export { pixelKernelsIn } from './native';
