import { describe, expect, it } from 'vitest';
import { buildTimeline, iou, trackFaces } from './tracking';
import type { FaceObservation, FrameMatch, FrameObservations } from './types';

const INTERVAL = 500;

/** A deterministic pseudo-random unit vector per seed: different seeds are near-orthogonal in 512-d. */
function identity(seed: number): Float32Array {
  const v = new Float32Array(512);
  let x = seed * 9301 + 49297;
  for (let i = 0; i < v.length; i += 1) {
    x = (x * 9301 + 49297) % 233280;
    v[i] = x / 233280 - 0.5;
  }
  return normalise(v);
}

function normalise(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** The same person's vector seen in another frame: the identity plus some frame noise (cosine ~0.8). */
function seen(person: number, frame: number): Float32Array {
  const base = identity(person);
  const noise = identity(1000 + person * 100 + frame);
  return normalise(base.map((x, i) => x + 0.7 * noise[i]!));
}

const celebrity = (id: string, confidence = 95): FrameMatch => ({ id, name: `Name ${id}`, urls: [`https://www.imdb.com/name/${id}/`], confidence });

function face(person: number, frame: number, left: number, match: FrameMatch | null, width = 0.2): FaceObservation {
  return { box: { Left: left, Top: 0.2, Width: width, Height: width * 1.3 }, confidence: 99, embedding: seen(person, frame), match };
}

/** Frames 0..n-1; `who(i)` lists the faces of frame i. */
function frames(n: number, who: (i: number) => FaceObservation[]): FrameObservations[] {
  return Array.from({ length: n }, (_, i) => ({ index: i, timeMs: i * INTERVAL, faces: who(i) }));
}

describe('iou', () => {
  it('is 1 for the same box, 0 apart, and in between for overlaps', () => {
    const a = { Left: 0, Top: 0, Width: 0.2, Height: 0.2 };
    expect(iou(a, a)).toBe(1);
    expect(iou(a, { ...a, Left: 0.5 })).toBe(0);
    expect(iou(a, { ...a, Left: 0.1 })).toBeCloseTo(1 / 3, 5);
  });
});

describe('trackFaces', () => {
  it('follows a face that moves across the frame as one track', () => {
    const tracks = trackFaces(frames(10, (i) => [face(1, i, 0.05 + i * 0.07, null)]));
    expect(tracks).toHaveLength(1);
    expect(tracks[0]!.points).toHaveLength(10);
  });

  it('keeps two people apart even when they swap places', () => {
    const tracks = trackFaces(frames(6, (i) => [face(1, i, i < 3 ? 0.1 : 0.6, null), face(2, i, i < 3 ? 0.6 : 0.1, null)]));
    expect(tracks).toHaveLength(2);
    for (const track of tracks) {
      const lefts = track.points.map((p) => p.face.box.Left);
      expect(new Set(lefts).size).toBe(2);
    }
  });

  it('does not join a cut to someone else at the same spot', () => {
    const tracks = trackFaces(frames(6, (i) => [face(i < 3 ? 1 : 2, i, 0.4, null)]));
    expect(tracks.map((t) => t.points.length)).toEqual([3, 3]);
  });

  it('bridges up to two missed samples and no more', () => {
    const twoMissed = frames(8, (i) => (i === 3 || i === 4 ? [] : [face(1, i, 0.4, null)]));
    expect(trackFaces(twoMissed)).toHaveLength(1);
    const threeMissed = frames(9, (i) => (i >= 3 && i <= 5 ? [] : [face(1, i, 0.4, null)]));
    expect(trackFaces(threeMissed)).toHaveLength(2);
  });

  it('never joins two frames matched to different celebrities', () => {
    const tracks = trackFaces(frames(4, (i) => [{ ...face(1, i, 0.4, celebrity(i < 2 ? 'A' : 'B')), embedding: identity(1) }]));
    expect(tracks).toHaveLength(2);
  });
});

describe('buildTimeline', () => {
  it('makes one span per appearance with ends halfway between samples', () => {
    // Frames 0..19 (0-9.5 s); A is on screen in samples 4..9 (2.0-4.5 s) and again 14..16 (7.0-8.0 s).
    const timeline = buildTimeline(
      frames(20, (i) => ((i >= 4 && i <= 9) || (i >= 14 && i <= 16) ? [face(1, i, 0.3, celebrity('A'))] : [])),
      { intervalMs: INTERVAL, durationMs: 10_000 },
    );
    expect(timeline.persons).toHaveLength(1);
    const [person] = timeline.persons;
    expect(person).toMatchObject({ kind: 'celebrity', id: 'A', name: 'Name A', urls: ['https://www.imdb.com/name/A/'], confidence: 95 });
    expect(person!.appearances.map((a) => [a.startMs, a.endMs])).toEqual([[1750, 4750], [6750, 8250]]);
    expect(person!.appearances[0]!.sightings).toHaveLength(6);
  });

  it('clamps spans to the video and names a track whose frames mostly match', () => {
    // B is on screen the whole 3 s; only some frames match (a turned head), one frame matches nobody known.
    const timeline = buildTimeline(
      frames(6, (i) => [face(2, i, 0.3, i % 2 === 0 ? celebrity('B', 80 + i) : null)]),
      { intervalMs: INTERVAL, durationMs: 2_900 },
    );
    expect(timeline.persons.map((p) => p.name)).toEqual(['Name B']);
    expect(timeline.persons[0]!.appearances.map((a) => [a.startMs, a.endMs])).toEqual([[0, 2_900]]);
    expect(timeline.persons[0]!.confidence).toBe(84);
  });

  it('does not name a stranger whose face matched someone in one frame of many', () => {
    const timeline = buildTimeline(
      frames(12, (i) => [face(3, i, 0.5, i === 5 ? celebrity('C', 60) : null)]),
      { intervalMs: INTERVAL, durationMs: 6_000 },
    );
    expect(timeline.persons.map((p) => [p.kind, p.name])).toEqual([['unknown', 'Unknown person 1']]);
  });

  it('groups one stranger seen twice as one unknown person, and drops faces seen only once', () => {
    const timeline = buildTimeline(
      frames(20, (i) => {
        const faces: FaceObservation[] = [];
        if (i >= 1 && i <= 4) faces.push(face(7, i, 0.1, null));
        if (i >= 12 && i <= 15) faces.push(face(7, i, 0.7, null));
        if (i >= 5 && i <= 8) faces.push(face(8, i, 0.4, null));
        if (i === 18) faces.push(face(9, i, 0.4, null)); // a flash: not a person to list
        return faces;
      }),
      { intervalMs: INTERVAL, durationMs: 10_000 },
    );
    expect(timeline.persons.map((p) => [p.id, p.name, p.appearances.length])).toEqual([
      ['unknown-1', 'Unknown person 1', 2],
      ['unknown-2', 'Unknown person 2', 1],
    ]);
  });

  it('lists celebrities first, then unknown persons, each in order of first appearance', () => {
    const timeline = buildTimeline(
      frames(10, (i) => [
        ...(i >= 0 && i < 4 ? [face(10, i, 0.05, null)] : []),
        ...(i >= 2 ? [face(11, i, 0.4, celebrity('Z'))] : []),
        ...(i >= 5 ? [face(12, i, 0.75, celebrity('Y'))] : []),
      ]),
      { intervalMs: INTERVAL, durationMs: 5_000 },
    );
    expect(timeline.persons.map((p) => p.id)).toEqual(['Z', 'Y', 'unknown-1']);
  });

  it('picks the largest, surest face as the best face', () => {
    const timeline = buildTimeline(
      frames(5, (i) => [face(1, i, 0.3, celebrity('A'), i === 3 ? 0.4 : 0.2)]),
      { intervalMs: INTERVAL, durationMs: 2_500 },
    );
    expect(timeline.persons[0]!.bestFace.timeMs).toBe(1_500);
  });

  it('tracks by place and match alone when the recognizer gives no vectors', () => {
    const timeline = buildTimeline(
      frames(6, (i) => [{ ...face(1, i, 0.3 + i * 0.02, i < 3 ? celebrity('A') : null), embedding: null }]),
      { intervalMs: INTERVAL, durationMs: 3_000 },
    );
    expect(timeline.persons.map((p) => [p.id, p.appearances.length])).toEqual([['A', 1]]);
  });
});
