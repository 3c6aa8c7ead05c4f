import { getConfig } from '@/lib/config';
import { handleRekognitionRequest } from '@/lib/rekognition-endpoint/handler';
import { getRecognizer } from '@/lib/recognizer';

// Reads the body and calls the engine: always dynamic, on the Node.js runtime.
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Rekognition-compatible endpoint (AWS JSON 1.1); the SDK posts to `<endpoint>/`, served here too. */
export async function POST(request: Request): Promise<Response> {
  return handleRekognitionRequest(request, { getRecognizer, config: getConfig() });
}

/** Other methods get an AWS-shaped error with a request id, not Next's bare 405. */
export const GET = POST;
export const PUT = POST;
export const DELETE = POST;
export const PATCH = POST;
