import 'server-only';
import { getConfig } from '../config';
import { getRecognizer } from '../recognizer';
import { handleRekognitionRequest } from '../rekognition-endpoint/handler';
import { admitted } from './admission';
import { videoJobsPort } from './video-recognition-jobs';

/** One AWS JSON 1.1 call to our Rekognition-compatible endpoint; its recognitions share the upload's admission queue. */
export function serveRekognitionApi(request: Request): Promise<Response> {
  return handleRekognitionRequest(request, { getRecognizer: async () => admitted(await getRecognizer(), 'rekognition_api'), config: getConfig(), videos: videoJobsPort });
}
