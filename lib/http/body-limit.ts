/**
 * Reads a request body of at most `maxBytes`: refuses at once when Content-Length declares more, and
 * otherwise counts bytes as they stream in and stops reading (cancelling the stream) past the limit, so
 * an oversized or endless upload is never buffered whole. With a Content-Length the bytes are copied once,
 * into a buffer of that size; without one, chunks are joined at the end. Throws what `tooLarge` makes, so
 * each API answers in its own error format.
 */
export async function readBodyWithLimit(request: Request, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const sized = Number.isInteger(declared) && declared > 0 ? new Uint8Array(declared) : null;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (sized && total + value.byteLength <= sized.byteLength) sized.set(value, total);
    else chunks.push(value);
    total += value.byteLength;
  }
  if (sized && chunks.length === 0) return sized.subarray(0, total);
  const body = new Uint8Array(total);
  let offset = 0;
  if (sized) {
    const head = Math.min(total - chunks.reduce((n, c) => n + c.byteLength, 0), sized.byteLength);
    body.set(sized.subarray(0, head));
    offset = head;
  }
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
