import { z } from 'zod';

/**
 * Rekognition's RecognizeCelebrities / GetCelebrityInfo shapes (same field names, types and ranges as the
 * AWS API), shared by both recognizers, the store, the pages and the Rekognition-compatible endpoint.
 */

/** Ratios of the image's width/height, 0..1 (Rekognition may report slightly outside for edge faces). */
export const boundingBoxSchema = z.object({
  Width: z.number(),
  Height: z.number(),
  Left: z.number(),
  Top: z.number(),
});

export const landmarkTypeSchema = z.enum([
  'eyeLeft', 'eyeRight', 'nose', 'mouthLeft', 'mouthRight',
  'leftEyeBrowLeft', 'leftEyeBrowRight', 'leftEyeBrowUp', 'rightEyeBrowLeft', 'rightEyeBrowRight', 'rightEyeBrowUp',
  'leftEyeLeft', 'leftEyeRight', 'leftEyeUp', 'leftEyeDown', 'rightEyeLeft', 'rightEyeRight', 'rightEyeUp', 'rightEyeDown',
  'noseLeft', 'noseRight', 'mouthUp', 'mouthDown', 'leftPupil', 'rightPupil',
  'upperJawlineLeft', 'midJawlineLeft', 'chinBottom', 'midJawlineRight', 'upperJawlineRight',
]);

/** X and Y are ratios of the image's width and height, 0..1. */
export const landmarkSchema = z.object({ Type: landmarkTypeSchema, X: z.number(), Y: z.number() });

/** Degrees: Roll, Yaw, Pitch each in -180..180. */
export const poseSchema = z.object({ Roll: z.number(), Yaw: z.number(), Pitch: z.number() });

/** Brightness and Sharpness, 0..100. */
export const imageQualitySchema = z.object({ Brightness: z.number(), Sharpness: z.number() });

export const emotionTypeSchema = z.enum(['HAPPY', 'SAD', 'ANGRY', 'CONFUSED', 'DISGUSTED', 'SURPRISED', 'CALM', 'UNKNOWN', 'FEAR']);
export const emotionSchema = z.object({ Type: emotionTypeSchema, Confidence: z.number().min(0).max(100) });
export const smileSchema = z.object({ Value: z.boolean(), Confidence: z.number().min(0).max(100) });

/** Rekognition's ComparedFace. Confidence is the detector's, 0..100. */
export const comparedFaceSchema = z.object({
  BoundingBox: boundingBoxSchema,
  Confidence: z.number().min(0).max(100),
  Landmarks: z.array(landmarkSchema).optional(),
  Pose: poseSchema.optional(),
  Quality: imageQualitySchema.optional(),
  Emotions: z.array(emotionSchema).optional(),
  Smile: smileSchema.optional(),
});

export const knownGenderSchema = z.object({ Type: z.enum(['Male', 'Female', 'Nonbinary', 'Unlisted']) });

/** Ids are [0-9A-Za-z], as Rekognition's are. */
export const celebrityIdSchema = z.string().regex(/^[0-9A-Za-z]{1,64}$/, 'a celebrity id is 1-64 letters and digits');

export const celebritySchema = z.object({
  Urls: z.array(z.string()),
  Name: z.string(),
  Id: celebrityIdSchema,
  Face: comparedFaceSchema,
  /** 0..100: how sure the match is (see README for the calibration of the local engine). */
  MatchConfidence: z.number().min(0).max(100),
  KnownGender: knownGenderSchema.optional(),
});

export const recognizeCelebritiesResultSchema = z.object({
  CelebrityFaces: z.array(celebritySchema),
  UnrecognizedFaces: z.array(comparedFaceSchema),
});

export const celebrityInfoSchema = z.object({
  Urls: z.array(z.string()),
  Name: z.string(),
  KnownGender: knownGenderSchema.optional(),
});

export type BoundingBox = z.infer<typeof boundingBoxSchema>;
export type Landmark = z.infer<typeof landmarkSchema>;
export type LandmarkType = z.infer<typeof landmarkTypeSchema>;
export type Pose = z.infer<typeof poseSchema>;
export type ImageQuality = z.infer<typeof imageQualitySchema>;
export type Emotion = z.infer<typeof emotionSchema>;
export type EmotionType = z.infer<typeof emotionTypeSchema>;
export type ComparedFace = z.infer<typeof comparedFaceSchema>;
export type KnownGender = z.infer<typeof knownGenderSchema>;
export type Celebrity = z.infer<typeof celebritySchema>;
export type RecognizeCelebritiesResult = z.infer<typeof recognizeCelebritiesResultSchema>;
export type CelebrityInfo = z.infer<typeof celebrityInfoSchema>;

/** Which back end made a result: our offline engine or AWS Rekognition. */
export type RecognizerKind = 'local' | 'rekognition';
