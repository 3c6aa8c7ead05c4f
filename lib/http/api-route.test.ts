import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { metrics } from '../observability/metrics';
import { apiRoute } from './api-route';

const failing = apiRoute('/api/test/[id]', async () => {
  throw new AppError('not_found', 'No such thing.');
});

describe('apiRoute', () => {
  it('answers errors as JSON with the request id in the body and the X-Request-Id header', async () => {
    const response = await failing(new Request('http://app.test/api/test/1'), {});
    const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
    expect(response.status).toBe(404);
    expect(body.error).toMatchObject({ code: 'not_found', message: 'No such thing.' });
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-request-id')).toBe(body.error.requestId);
  });

  it("keeps the proxy's request id and replaces one that does not look like an id", async () => {
    const fromNginx = 'a3f1c2d4e5f60718293a4b5c6d7e8f90';
    const kept = await failing(new Request('http://app.test/api/test/1', { headers: { 'x-request-id': fromNginx } }), {});
    expect(kept.headers.get('x-request-id')).toBe(fromNginx);
    const replaced = await failing(new Request('http://app.test/api/test/1', { headers: { 'x-request-id': 'forged"}{"level":60' } }), {});
    expect(replaced.headers.get('x-request-id')).not.toContain('forged');
  });

  it('turns an unexpected throw into a 500 without its details, and counts every answer by route pattern and status', async () => {
    const crashing = apiRoute('/api/crash', async () => {
      throw new Error('secret detail');
    });
    const before = await countOf('/api/crash', '500');
    const response = await crashing(new Request('http://app.test/api/crash'), {});
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret detail');
    expect(await countOf('/api/crash', '500')).toBe(before + 1);
  });
});

async function countOf(route: string, status: string): Promise<number> {
  const metric = await metrics().httpDuration.get();
  const sample = metric.values.find((v) => v.metricName === 'cf_http_request_duration_seconds_count' && v.labels.route === route && v.labels.status === status);
  return sample?.value ?? 0;
}
