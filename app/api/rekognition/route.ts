import { apiRoute } from '@/lib/http/api-route';
import { serveRekognitionApi } from '@/lib/use-cases/rekognition-api';

// Reads the body and calls the engine: always dynamic, on the Node.js runtime.
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Rekognition-compatible endpoint (AWS JSON 1.1); the SDK posts to `<endpoint>/`, served here too. */
export const POST = apiRoute('/api/rekognition', serveRekognitionApi);

/** Other methods get an AWS-shaped error with a request id, not Next's bare 405. */
export const GET = POST;
export const PUT = POST;
export const DELETE = POST;
export const PATCH = POST;
