import { z } from 'zod';

/** Image as Rekognition's API takes it: inline base64 Bytes, or an S3 object (which this server cannot read). */
export const imageSchema = z.object({
  Bytes: z.base64('Image.Bytes must be base64').optional(),
  S3Object: z.object({ Bucket: z.string().optional(), Name: z.string().optional(), Version: z.string().optional() }).optional(),
});

export const recognizeCelebritiesRequestSchema = z.object({ Image: imageSchema });
export type RecognizeCelebritiesRequest = z.infer<typeof recognizeCelebritiesRequestSchema>;

/** Rekognition's own constraint on celebrity ids: `[0-9A-Za-z]*`. */
export const getCelebrityInfoRequestSchema = z.object({
  Id: z.string().regex(/^[0-9A-Za-z]{1,64}$/, 'Id must be 1-64 letters and digits'),
});
export type GetCelebrityInfoRequest = z.infer<typeof getCelebrityInfoRequestSchema>;
