/** Explicit, documented input limits shared by the upload API, the Rekognition endpoint and the UI. */
export const limits = {
  /** Largest upload accepted by POST /api/recognitions; the browser downscales bigger photos first. */
  maxUploadBytes: 10 * 1024 * 1024,
  /** Rekognition's own limit for Image.Bytes (decoded), used by /api/rekognition and the SDK gateway. */
  maxRekognitionBytes: 5 * 1024 * 1024,
  /** Decoded pixel budget: refuses decompression bombs before sharp allocates them. */
  maxPixels: 40_000_000,
  /** Smallest side Rekognition accepts; smaller images cannot hold a recognisable face. */
  minSidePixels: 80,
  /** Rekognition returns at most 64 faces, largest first. */
  maxFaces: 64,
  /**
   * Most scans a JPEG may have: every scan is a decoder pass over the whole image, so thousands of them in a
   * small file are a CPU bomb. Photos have 1 (baseline) or about 10 (progressive; at most 14 in our datasets).
   */
  maxJpegScans: 100,
} as const;
