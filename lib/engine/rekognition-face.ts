/**
 * Postprocess: engine results → Rekognition's ComparedFace (ratios of the image size, 0..100 confidences).
 */
import type { ComparedFace, Landmark, LandmarkType } from '../contract/rekognition';
import type { Detection, Point, RgbImage } from './image';
import { fivePointsFrom68 } from './nets/landmarks';

/** Rekognition landmark types read straight off single 68-point indices. */
const SINGLE_POINTS: readonly [LandmarkType, number][] = [
  ['leftEyeBrowLeft', 17], ['leftEyeBrowUp', 19], ['leftEyeBrowRight', 21],
  ['rightEyeBrowLeft', 22], ['rightEyeBrowUp', 24], ['rightEyeBrowRight', 26],
  ['leftEyeLeft', 36], ['leftEyeRight', 39], ['rightEyeLeft', 42], ['rightEyeRight', 45],
  ['noseLeft', 31], ['noseRight', 35], ['mouthUp', 51], ['mouthDown', 57],
  ['upperJawlineLeft', 0], ['midJawlineLeft', 4], ['chinBottom', 8], ['midJawlineRight', 12], ['upperJawlineRight', 16],
];

function mid(p: Point, q: Point): Point {
  return { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
}

/** Rekognition's landmarks (image-left eye is `eyeLeft`, as in Rekognition's output) from the 68 points. */
export function toLandmarks(points: readonly Point[], width: number, height: number): Landmark[] {
  const five = fivePointsFrom68(points);
  const named: [LandmarkType, Point][] = [
    ['eyeLeft', five[0]!], ['eyeRight', five[1]!], ['nose', five[2]!], ['mouthLeft', points[48]!], ['mouthRight', points[54]!],
    ['leftPupil', five[0]!], ['rightPupil', five[1]!],
    ['leftEyeUp', mid(points[37]!, points[38]!)], ['leftEyeDown', mid(points[40]!, points[41]!)],
    ['rightEyeUp', mid(points[43]!, points[44]!)], ['rightEyeDown', mid(points[46]!, points[47]!)],
    ...SINGLE_POINTS.map(([type, i]): [LandmarkType, Point] => [type, points[i]!]),
  ];
  return named.map(([Type, p]) => ({ Type, X: p.x / width, Y: p.y / height }));
}

/** Detector box and landmarks as a ComparedFace; attributes are added by the caller when computed. */
export function toComparedFace(det: Detection, points: readonly Point[], img: RgbImage): ComparedFace {
  return {
    BoundingBox: {
      Width: (det.x2 - det.x1) / img.width,
      Height: (det.y2 - det.y1) / img.height,
      Left: det.x1 / img.width,
      Top: det.y1 / img.height,
    },
    Confidence: Math.min(100, Math.max(0, det.score * 100)),
    Landmarks: toLandmarks(points, img.width, img.height),
  };
}
