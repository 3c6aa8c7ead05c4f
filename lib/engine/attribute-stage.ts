/**
 * Attribute stage: crops each face as its net expects and runs the expression and pose nets (and, when
 * asked, age and gender), plus the crop's image quality.
 */
import type { ComparedFace } from '../contract/rekognition';
import { imageQuality, mergeSsr, toEmotions, toPose } from './attributes';
import type { RgbImage } from './image';
import { EXPRESSION_INPUT, type ExpressionModel } from './nets/expression';
import { POSE_INPUT, type PoseModel } from './nets/pose';
import { SSR_INPUT, type SsrModel } from './nets/ssrnet';
import type { Detection } from './postprocess';
import { rectMap, toPlanar, warpAffine } from './preprocess';

export interface AttributeNets {
  expression: ExpressionModel;
  pose: PoseModel;
  age: SsrModel;
  gender: SsrModel;
}

export interface FaceAttributes {
  face: Pick<ComparedFace, 'Pose' | 'Quality' | 'Emotions' | 'Smile'>;
  /** Present when demographics ran. */
  age?: number;
  gender?: { value: 'Male' | 'Female'; confidence: number };
}

export interface AttributeChoice {
  /** The expression net (Emotions, Smile): the costliest attribute net. */
  emotions: boolean;
  /** Age and gender nets: not part of Rekognition's ComparedFace, only the gallery's gender vote uses them. */
  demographics: boolean;
}

const IMAGENET_MEAN = [0.485 * 255, 0.456 * 255, 0.406 * 255] as const;
const IMAGENET_STD = [0.229 * 255, 0.224 * 255, 0.225 * 255] as const;
const IMAGENET = { order: 'rgb', mean: IMAGENET_MEAN, std: IMAGENET_STD } as const;
/** SSR-Net separated women from men better fed BGR on a few LFW people (it stays a weak net). */
const SSR_NORM = { order: 'bgr', mean: IMAGENET_MEAN, std: IMAGENET_STD } as const;
const UNIT = { order: 'rgb', mean: [0, 0, 0], std: [255, 255, 255] } as const;

/** Crop of the box scaled by `factor` about its centre, clipped to the image: float32 HWC [size, size, 3] RGB 0..255. */
function crop(img: RgbImage, det: Detection, factor: number, size: number): Float32Array {
  const w = (det.x2 - det.x1) * factor;
  const h = (det.y2 - det.y1) * factor;
  const x1 = Math.max(0, (det.x1 + det.x2) / 2 - w / 2);
  const y1 = Math.max(0, (det.y1 + det.y2) / 2 - h / 2);
  const x2 = Math.min(img.width, (det.x1 + det.x2) / 2 + w / 2);
  const y2 = Math.min(img.height, (det.y1 + det.y2) / 2 + h / 2);
  // 2×2 supersampling is plenty for these coarse nets and keeps a 224 px crop cheap in plain JS.
  return warpAffine(img, rectMap(x1, y1, Math.max(1, x2 - x1), Math.max(1, y2 - y1), size, size), size, size, 2);
}

/** Runs the chosen attribute nets for one face, side by side (pose and quality always). */
export async function predictAttributes(nets: AttributeNets, img: RgbImage, det: Detection, choice: AttributeChoice): Promise<FaceAttributes> {
  const posePixels = crop(img, det, 1.5, POSE_INPUT);
  const facePixels = crop(img, det, 1, 64);
  const ssrInput = choice.demographics ? toPlanar(crop(img, det, 1.4, SSR_INPUT), SSR_INPUT, SSR_INPUT, SSR_NORM) : null;
  const ssrInputCopy = ssrInput?.slice(); // predict takes ownership of its input, and two nets read this one
  const [expr, pose, age, gender] = await Promise.all([
    choice.emotions ? nets.expression.predict(toPlanar(crop(img, det, 1.2, EXPRESSION_INPUT), EXPRESSION_INPUT, EXPRESSION_INPUT, UNIT)) : null,
    nets.pose.predict(toPlanar(posePixels, POSE_INPUT, POSE_INPUT, IMAGENET)),
    ssrInput ? nets.age.predict(ssrInput) : null,
    ssrInputCopy ? nets.gender.predict(ssrInputCopy) : null,
  ]);
  const face: FaceAttributes['face'] = { Pose: toPose(pose.yaw, pose.pitch, pose.roll), Quality: imageQuality(facePixels, 64, 64) };
  if (expr) {
    const e = toEmotions(expr);
    face.Emotions = e.emotions;
    face.Smile = e.smile;
  }
  if (!age || !gender) return { face };
  const male = Math.min(1, Math.max(0, mergeSsr(gender, 1)));
  return {
    face,
    age: mergeSsr(age, 101),
    gender: male >= 0.5 ? { value: 'Male', confidence: male * 100 } : { value: 'Female', confidence: (1 - male) * 100 },
  };
}
