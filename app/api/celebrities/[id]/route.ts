import { getCelebrity } from '@/lib/recognizer/rekognition-celebrities';
import { errorResponse } from '@/lib/errors';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/celebrities/{id}: `{Id, Name, Urls, KnownGender?}` from whichever recognizer is configured. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await params;
    return Response.json(await getCelebrity(id));
  } catch (error) {
    return errorResponse(error);
  }
}
