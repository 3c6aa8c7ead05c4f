/**
 * Attribute stage: the expression and pose nets (and, when asked, age and gender) side by side for one
 * face, plus its crop's image quality. Each net crops, runs and decodes in its own file (nets/).
 */
import type { ComparedFace } from '../../contract/rekognition';
import type { Detection, RgbImage } from '../image';
import { predictExpression, type ExpressionModel } from '../nets/expression';
import { predictPose, type PoseModel } from '../nets/pose';
import { predictDemographics, type SsrModel } from '../nets/ssrnet';
import { faceQuality } from '../quality';

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

/** Runs the chosen attribute nets for one face, side by side (pose and quality always). */
export async function predictAttributes(nets: AttributeNets, img: RgbImage, det: Detection, choice: AttributeChoice): Promise<FaceAttributes> {
  const [expression, pose, demographics] = await Promise.all([
    choice.emotions ? predictExpression(nets.expression, img, det) : null,
    predictPose(nets.pose, img, det),
    choice.demographics ? predictDemographics(nets, img, det) : null,
  ]);
  const face: FaceAttributes['face'] = { Pose: pose, Quality: faceQuality(img, det) };
  if (expression) {
    face.Emotions = expression.emotions;
    face.Smile = expression.smile;
  }
  return demographics ? { face, ...demographics } : { face };
}
