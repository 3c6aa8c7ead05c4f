import 'server-only';
import {
  GetCelebrityInfoCommand,
  RecognizeCelebritiesCommand,
  RekognitionClient,
  type RekognitionClientConfig,
} from '@aws-sdk/client-rekognition';
import type { AppConfig } from '../config';
import { prepareForRekognition } from '../images/prepare-for-rekognition';
import { mapRekognitionError } from './rekognition-errors';
import { reshapeCelebrityInfo, reshapeRecognizeResult } from './rekognition-reshape';
import type { Recognizer } from './types';

type GatewayConfig = Pick<
  AppConfig,
  'AWS_REGION' | 'AWS_ENDPOINT_URL_REKOGNITION' | 'REKOGNITION_TIMEOUT_MS' | 'REKOGNITION_MAX_ATTEMPTS'
>;

/** Connecting should be quick even when the answer is not; a dead endpoint fails fast. */
const MAX_CONNECT_MS = 5_000;

/**
 * The SDK client: region and credentials from the standard AWS chain (env, profile, SSO, instance role),
 * the endpoint from AWS_ENDPOINT_URL_REKOGNITION when set (e.g. another Celebrity Finder's /api/rekognition).
 */
export function createRekognitionClient(config: GatewayConfig): RekognitionClient {
  const clientConfig: RekognitionClientConfig = {
    maxAttempts: config.REKOGNITION_MAX_ATTEMPTS,
    requestHandler: {
      requestTimeout: config.REKOGNITION_TIMEOUT_MS,
      connectionTimeout: Math.min(config.REKOGNITION_TIMEOUT_MS, MAX_CONNECT_MS),
      // Without this the SDK only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
  // Only set what is configured, so the SDK's own provider chain fills in the rest.
  if (config.AWS_REGION) clientConfig.region = config.AWS_REGION;
  if (config.AWS_ENDPOINT_URL_REKOGNITION) clientConfig.endpoint = config.AWS_ENDPOINT_URL_REKOGNITION;
  return new RekognitionClient(clientConfig);
}

/**
 * The `rekognition` Recognizer: prepares the photo for Rekognition's limits, calls RecognizeCelebrities /
 * GetCelebrityInfo and returns the answers in our validated shapes; every SDK failure becomes an AppError.
 */
export function createRekognitionRecognizer(config: GatewayConfig, client = createRekognitionClient(config)): Recognizer {
  return {
    kind: 'rekognition',

    async recognizeCelebrities(image) {
      const prepared = await prepareForRekognition(image);
      try {
        const response = await client.send(new RecognizeCelebritiesCommand({ Image: { Bytes: prepared.bytes } }));
        return reshapeRecognizeResult(response);
      } catch (error) {
        throw mapRekognitionError(error);
      }
    },

    async getCelebrityInfo(id) {
      try {
        return reshapeCelebrityInfo(await client.send(new GetCelebrityInfoCommand({ Id: id })));
      } catch (error) {
        throw mapRekognitionError(error);
      }
    },

    // Rekognition's catalogue size is not published, and probing it would cost a paid call.
    async health() {
      return { ready: true, celebrities: null };
    },
  };
}
