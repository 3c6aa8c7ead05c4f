import { apiRoute, requestClient } from '@/lib/http/api-route';
import { AppError } from '@/lib/errors';
import { adminEnabled, signIn, signOut } from '@/lib/use-cases/admin-session';
import { overHttps, readJson } from '../_shared/admin-route';
import { signInSchema } from '../schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Sign in: {"token": "<ADMIN_TOKEN>"} → 204 with the session cookie; 401 wrong token, 429 after 5 wrong a minute, 404 admin off. */
export const POST = apiRoute('/api/admin/session', async (request: Request) => {
  // Off is 404 whatever the body: nothing under /api/admin answers otherwise.
  if (!adminEnabled()) throw new AppError('not_found', 'Not found.');
  const { token } = await readJson(request, signInSchema);
  const cookie = signIn(token, requestClient(request), overHttps(request.headers));
  return new Response(null, { status: 204, headers: { 'set-cookie': cookie, 'cache-control': 'no-store' } });
});

/** Sign out: 204, the session cookie cleared. */
export const DELETE = apiRoute('/api/admin/session', async (request: Request) => {
  return new Response(null, { status: 204, headers: { 'set-cookie': signOut(overHttps(request.headers)), 'cache-control': 'no-store' } });
});
