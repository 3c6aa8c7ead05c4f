import 'server-only';
import { getConfig } from '../config';
import { requestClient } from '../http/api-route';
import { getRecognizer } from '../recognizer';
import { awsErrorResponse } from '../rekognition-endpoint/aws-error';
import { handleRekognitionRequest } from '../rekognition-endpoint/handler';
import { admitted, enterAdmission, type Ticket } from './admission';
import { videoJobsPort } from './video-recognition-jobs';

/** What a chunked Rekognition call counts against RECOGNITION_QUEUE_MB: its largest body (lib/rekognition-endpoint). */
const MAX_DECLARED = 16 * 1024 * 1024;

/**
 * Whether /api/rekognition serves requests without a SigV4 signature when no keys are configured:
 * REKOGNITION_ALLOW_UNSIGNED when set, else only outside production (closed by default in production).
 */
export function allowsUnsigned(config = getConfig(), nodeEnv = process.env.NODE_ENV): boolean {
  return config.REKOGNITION_ALLOW_UNSIGNED !== undefined ? config.REKOGNITION_ALLOW_UNSIGNED === '1' : nodeEnv !== 'production';
}

/**
 * One AWS JSON 1.1 call to our Rekognition-compatible endpoint. A RecognizeCelebrities call takes its place
 * in the recognition queue (shared with uploads, under the same per-client limits) once its headers pass
 * the access checks and before its body is read; it runs there with the queue's deadline.
 */
export async function serveRekognitionApi(request: Request): Promise<Response> {
  let ticket: Ticket | undefined;
  try {
    return await handleRekognitionRequest(request, {
      config: getConfig(),
      allowUnsigned: allowsUnsigned(),
      beforeBody: (operation) => {
        const declared = Number(request.headers.get('content-length'));
        if (operation === 'RecognizeCelebrities') ticket = enterAdmission({ client: requestClient(request), signal: request.signal, bytes: Number.isInteger(declared) && declared > 0 ? declared : MAX_DECLARED });
      },
      videos: videoJobsPort,
      getRecognizer: async () => {
        const recognizer = await getRecognizer();
        return ticket ? admitted(recognizer, 'rekognition_api', ticket) : recognizer;
      },
    });
  } finally {
    ticket?.release();
  }
}

/** The AWS-shaped error answer, for refusals made before the endpoint runs (per-client API rate). */
export function rekognitionErrorResponse(error: unknown, requestId: string): Response {
  return awsErrorResponse(error, requestId);
}
