import { describe, expect, it } from 'vitest';
import { redactOptedOut } from './opt-out';
import type { Celebrity, ComparedFace } from '../contract/rekognition';

const face = (left: number): ComparedFace => ({ BoundingBox: { Width: 0.1, Height: 0.1, Left: left, Top: 0.2 }, Confidence: 99 });
const celebrity = (id: string, name: string, left: number): Celebrity => ({ Id: id, Name: name, Urls: [], Face: face(left), MatchConfidence: 99 });

describe('redactOptedOut', () => {
  it('turns opted-out celebrities into unrecognized faces and keeps the rest', () => {
    const result = { CelebrityFaces: [celebrity('A1', 'Joe Biden', 0.1), celebrity('B2', 'Barack Obama', 0.5)], UnrecognizedFaces: [face(0.8)] };
    const redacted = redactOptedOut(result, (c) => c.Id === 'A1');
    expect(redacted.CelebrityFaces.map((c) => c.Name)).toEqual(['Barack Obama']);
    expect(redacted.UnrecognizedFaces.map((f) => f.BoundingBox.Left)).toEqual([0.8, 0.1]);
    expect(result.CelebrityFaces).toHaveLength(2); // the stored result is not modified
  });
});
