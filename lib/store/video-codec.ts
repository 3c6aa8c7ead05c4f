import type { FrameObservations } from '../video/types';

/**
 * The per-frame faces of a running job as both video stores keep them: JSON, identity vectors as base64
 * float32 (exact, and a third of the size of JSON numbers).
 */
export function encodeFaces(frame: FrameObservations): string {
  return JSON.stringify(frame.faces.map((face) => ({
    ...face,
    embedding: face.embedding ? Buffer.from(face.embedding.buffer, face.embedding.byteOffset, face.embedding.byteLength).toString('base64') : null,
  })));
}

type StoredFace = Omit<FrameObservations['faces'][number], 'embedding'> & { embedding: string | null };

/** encodeFaces' text (SQLite) or its parsed JSON (PostgreSQL jsonb) back to faces. */
export function decodeFaces(stored: string | StoredFace[]): FrameObservations['faces'] {
  const faces = typeof stored === 'string' ? (JSON.parse(stored) as StoredFace[]) : stored;
  return faces.map((face) => {
    if (!face.embedding) return { ...face, embedding: null };
    const bytes = Buffer.from(face.embedding, 'base64');
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return { ...face, embedding: new Float32Array(copy.buffer) };
  });
}
