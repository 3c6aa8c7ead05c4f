import { apiRoute } from '@/lib/http/api-route';
import { rekognitionErrorResponse, serveRekognitionApi } from '@/lib/use-cases/rekognition-api';

// Reads the body and calls the engine: always dynamic, on the Node.js runtime.
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Rekognition-compatible endpoint (AWS JSON 1.1); the SDK posts to `<endpoint>/`, served here too. Errors, 429s included, in AWS's shape. */
export const POST = apiRoute('/api/rekognition', serveRekognitionApi, { errorResponse: rekognitionErrorResponse });

/** Other methods get an AWS-shaped error with a request id, not Next's bare 405. */
export const GET = POST;
export const PUT = POST;
export const DELETE = POST;
export const PATCH = POST;
