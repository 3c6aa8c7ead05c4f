import type {
  Celebrity as SdkCelebrity,
  ComparedFace as SdkComparedFace,
  GetCelebrityInfoResponse,
  KnownGender as SdkKnownGender,
  RecognizeCelebritiesResponse,
} from '@aws-sdk/client-rekognition';
import { AppError } from '../errors';
import {
  celebrityInfoSchema,
  emotionTypeSchema,
  knownGenderSchema,
  landmarkTypeSchema,
  recognizeCelebritiesResultSchema,
  type Celebrity,
  type CelebrityInfo,
  type ComparedFace,
  type KnownGender,
  type RecognizeCelebritiesResult,
} from '../contract/rekognition';

/** Rekognition lists URLs without a scheme ("www.imdb.com/name/nm0000158"); links need one. */
export function withHttps(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url.replace(/^\/+/, '')}`;
}

const clampPercent = (value: number | undefined): number => Math.min(100, Math.max(0, value ?? 0));

/** Turns the SDK's all-optional ComparedFace into ours, dropping values our schema does not know. */
export function reshapeComparedFace(face: SdkComparedFace | undefined): ComparedFace {
  const box = face?.BoundingBox;
  return {
    BoundingBox: { Width: box?.Width ?? 0, Height: box?.Height ?? 0, Left: box?.Left ?? 0, Top: box?.Top ?? 0 },
    Confidence: clampPercent(face?.Confidence),
    Landmarks: face?.Landmarks?.flatMap((mark) => {
      const type = landmarkTypeSchema.safeParse(mark.Type);
      return type.success ? [{ Type: type.data, X: mark.X ?? 0, Y: mark.Y ?? 0 }] : [];
    }),
    Pose: face?.Pose ? { Roll: face.Pose.Roll ?? 0, Yaw: face.Pose.Yaw ?? 0, Pitch: face.Pose.Pitch ?? 0 } : undefined,
    Quality: face?.Quality
      ? { Brightness: face.Quality.Brightness ?? 0, Sharpness: face.Quality.Sharpness ?? 0 }
      : undefined,
    Emotions: face?.Emotions?.flatMap((emotion) => {
      const type = emotionTypeSchema.safeParse(emotion.Type);
      return type.success ? [{ Type: type.data, Confidence: clampPercent(emotion.Confidence) }] : [];
    }),
    Smile: face?.Smile ? { Value: face.Smile.Value ?? false, Confidence: clampPercent(face.Smile.Confidence) } : undefined,
  };
}

function reshapeKnownGender(gender: SdkKnownGender | undefined): KnownGender | undefined {
  const parsed = knownGenderSchema.safeParse(gender);
  return parsed.success ? parsed.data : undefined;
}

function reshapeCelebrity(celebrity: SdkCelebrity): Celebrity {
  return {
    Urls: (celebrity.Urls ?? []).map(withHttps),
    Name: celebrity.Name ?? '',
    Id: celebrity.Id ?? '',
    Face: reshapeComparedFace(celebrity.Face),
    MatchConfidence: clampPercent(celebrity.MatchConfidence),
    KnownGender: reshapeKnownGender(celebrity.KnownGender),
  };
}

/** The SDK's RecognizeCelebritiesResponse as our validated result; a malformed answer is an upstream error. */
export function reshapeRecognizeResult(response: RecognizeCelebritiesResponse): RecognizeCelebritiesResult {
  const parsed = recognizeCelebritiesResultSchema.safeParse({
    CelebrityFaces: (response.CelebrityFaces ?? []).map(reshapeCelebrity),
    UnrecognizedFaces: (response.UnrecognizedFaces ?? []).map(reshapeComparedFace),
  });
  if (!parsed.success) {
    throw new AppError('upstream_error', 'Rekognition answered with an unexpected result.', { cause: parsed.error });
  }
  return parsed.data;
}

/** The SDK's GetCelebrityInfoResponse as our validated CelebrityInfo. */
export function reshapeCelebrityInfo(response: GetCelebrityInfoResponse): CelebrityInfo {
  const parsed = celebrityInfoSchema.safeParse({
    Urls: (response.Urls ?? []).map(withHttps),
    Name: response.Name ?? '',
    KnownGender: reshapeKnownGender(response.KnownGender),
  });
  if (!parsed.success) {
    throw new AppError('upstream_error', 'Rekognition answered with unexpected celebrity info.', { cause: parsed.error });
  }
  return parsed.data;
}
