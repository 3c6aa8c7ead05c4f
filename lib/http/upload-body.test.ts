import { describe, expect, it } from 'vitest';
import { readFileField } from './upload-body';

const options = {
  field: 'image', maxBytes: 1024 * 1024, framingBytes: 64 * 1024, maxParts: 4,
  tooLarge: () => new Error('too large'), invalid: (message: string) => new Error(`invalid: ${message}`),
};

function form(parts: Record<string, Blob | string>): Request {
  const body = new FormData();
  for (const [name, value] of Object.entries(parts)) body.append(name, value);
  return new Request('http://app.test/upload', { method: 'POST', body });
}

describe('readFileField', () => {
  it('gives the file bytes, copied once into a buffer sized from Content-Length', async () => {
    const file = new Uint8Array(300_000).map((_, i) => i % 251);
    const request = form({ note: 'x', image: new Blob([file]) });
    const declared = (await request.clone().arrayBuffer()).byteLength;
    const sized = new Request(request.url, { method: 'POST', body: await request.arrayBuffer(), headers: { 'content-type': request.headers.get('content-type')!, 'content-length': String(declared) } });
    const bytes = await readFileField(sized, options);
    expect(Buffer.from(bytes).equals(Buffer.from(file))).toBe(true);
    // One buffer of at most the declared body: no second copy of the file behind the view.
    expect(bytes.buffer.byteLength).toBeLessThanOrEqual(declared);
  });

  it('refuses a declared body over the limit before reading, a file over its limit, too many parts, and no file', async () => {
    const big = new Request('http://app.test/upload', { method: 'POST', body: 'x', headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(2 * 1024 * 1024) } });
    await expect(readFileField(big, options)).rejects.toThrow('too large');
    await expect(readFileField(form({ image: new Blob([new Uint8Array(1024 * 1024 + 1)]) }), options)).rejects.toThrow('too large');
    await expect(readFileField(form({ a: '1', b: '2', c: '3', d: '4', image: new Blob([new Uint8Array(10)]) }), options)).rejects.toThrow(/invalid: Too many form fields/);
    await expect(readFileField(form({ image: 'text, not a file' }), options)).rejects.toThrow(/invalid: Attach the photo/);
    await expect(readFileField(form({ other: new Blob([new Uint8Array(10)]) }), options)).rejects.toThrow(/invalid: Attach the photo/);
  });

  it('stops when its signal aborts (client gone, read timeout), with the signal’s reason', async () => {
    const stream = new ReadableStream<Uint8Array>({ start(controller) { controller.enqueue(new TextEncoder().encode('--x\r\n')); } });
    const request = new Request('http://app.test/upload', { method: 'POST', body: stream, headers: { 'content-type': 'multipart/form-data; boundary=x' }, duplex: 'half' } as RequestInit);
    const controller = new AbortController();
    const read = readFileField(request, { ...options, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('gone')), 20);
    await expect(read).rejects.toThrow('gone');
  });
});
