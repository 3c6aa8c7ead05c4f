import { AppError } from '@/lib/errors';
import { apiRoute, requestClient } from '@/lib/http/api-route';
import { readBodyWithLimit } from '@/lib/http/body-limit';
import { requireAdmin } from '@/lib/use-cases/admin-session';
import { publicOrigin } from '@/app/_lib/public-origin';
import type { z } from 'zod';
import { personIdSchema } from '../schema';

/**
 * An /api/admin route: apiRoute (request id, JSON errors, metrics) plus the admin check before anything
 * else (404 while ADMIN_TOKEN is unset, 401 without a bearer token or session, 429 after wrong tokens);
 * answers are never cached.
 */
export function adminRoute<Context>(route: string, handler: (request: Request, context: Context) => Promise<Response>) {
  return apiRoute(route, async (request: Request, context: Context) => {
    // Wrong tokens count against the same client key as the per-client limits (trusted proxies only, IPv6 by /64).
    requireAdmin(request, requestClient(request));
    const response = await handler(request, context);
    response.headers.set('cache-control', 'no-store');
    return response;
  });
}

/** The route's `[id]` as a person id; 404 when it cannot be one. */
export function personIdParam(params: { id: string }): string {
  const parsed = personIdSchema.safeParse(params.id);
  if (!parsed.success) throw new AppError('not_found', 'No person with this id.');
  return parsed.data;
}

/** The request's JSON body checked against `schema`; 400 invalid_input with the first problem otherwise. */
export async function readJson<T>(request: Request, schema: z.ZodType<T>, maxBytes = 16 * 1024): Promise<T> {
  const body = await readBodyWithLimit(request, maxBytes, () => new AppError('too_large', 'The request body is too large.'));
  let value: unknown;
  try {
    value = body.byteLength ? JSON.parse(new TextDecoder().decode(body)) : {};
  } catch {
    throw new AppError('invalid_input', 'Send a JSON body.');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return parsed.data;
}

/** A multipart/form-data body of at most `maxBytes`; 400 when it is not one, 413 past the limit. */
export async function readMultipart(request: Request, maxBytes: number, maxParts: number): Promise<FormData> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) throw new AppError('invalid_input', 'Send the photos as multipart/form-data.');
  const body = await readBodyWithLimit(request, maxBytes, () => new AppError('too_large', `The photos together are too large; the limit is ${Math.floor(maxBytes / 1024 / 1024)} MB per request.`));
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new AppError('invalid_input', 'The upload could not be read as multipart/form-data.', { cause: error });
  }
  if ([...form.keys()].length > maxParts) throw new AppError('invalid_input', 'Too many form fields.');
  return form;
}

/** Cookies get Secure when people reach the app over HTTPS (X-Forwarded-Proto from the proxy). */
export function overHttps(headers: Headers): boolean {
  return publicOrigin(headers).startsWith('https:');
}
