import { apiRoute } from '@/lib/http/api-route';
import { getCelebrity } from '@/lib/use-cases/celebrities';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/celebrities/{id}: `{Id, Name, Urls, KnownGender?}` from whichever recognizer is configured. */
export const GET = apiRoute('/api/celebrities/[id]', async (_request: Request, { params }: { params: Promise<{ id: string }> }) =>
  Response.json(await getCelebrity((await params).id)),
);
