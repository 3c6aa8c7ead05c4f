import busboy from 'busboy';

export interface FileFieldOptions {
  /** The form field holding the file. */
  field: string;
  /** Largest file accepted, bytes. */
  maxBytes: number;
  /** Room for the multipart framing on top of the file (boundaries, part headers, a few small fields). */
  framingBytes: number;
  /** Form parts tolerated beside the file (client libraries add some); one more is refused. */
  maxParts: number;
  tooLarge: () => Error;
  invalid: (message: string) => Error;
  /** Aborts the read (client gone, BODY_READ_TIMEOUT_MS); rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** A growing byte buffer sized from Content-Length when the client sent one, so the file is copied once. */
function fileSink(expected: number) {
  let buffer = new Uint8Array(Math.max(expected, 64 * 1024));
  let length = 0;
  return {
    push(chunk: Uint8Array) {
      if (length + chunk.byteLength > buffer.byteLength) {
        const grown = new Uint8Array(Math.max(buffer.byteLength * 2, length + chunk.byteLength));
        grown.set(buffer.subarray(0, length));
        buffer = grown;
      }
      buffer.set(chunk, length);
      length += chunk.byteLength;
    },
    bytes: () => buffer.subarray(0, length),
  };
}

/**
 * Reads the one file of a multipart/form-data upload into memory as it streams in (busboy), copying its bytes
 * once into a buffer sized from Content-Length: no whole-body buffer, no FormData, no second copy of the file.
 * Refuses when Content-Length declares more than the limit before reading anything, and stops reading
 * (cancelling the stream) once the body passes maxBytes + framingBytes or the file passes maxBytes. Throws
 * what `tooLarge` / `invalid` make, so each route answers in its own format.
 */
export async function readFileField(request: Request, options: FileFieldOptions): Promise<Uint8Array> {
  const contentType = request.headers.get('content-type') ?? '';
  const missing = `Attach the photo as a file in the form field "${options.field}".`;
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    throw options.invalid(`Send the photo as multipart/form-data in the field "${options.field}".`);
  }
  const maxBody = options.maxBytes + options.framingBytes;
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBody) throw options.tooLarge();
  if (!request.body) throw options.invalid(missing);
  options.signal?.throwIfAborted();

  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { 'content-type': contentType }, limits: { fileSize: options.maxBytes, files: 1, parts: options.maxParts, fieldSize: 64 * 1024 } });
  } catch (error) {
    throw options.invalid(`The upload could not be read as multipart/form-data (${(error as Error).message}).`);
  }
  const sink = fileSink(Number.isFinite(declared) && declared > 0 ? Math.min(declared, options.maxBytes) : 0);
  let found = false;
  let failure: Error | null = null;
  parser.on('file', (name, stream) => {
    // A part cut short (the parser destroyed mid-form) errors its stream: the refusal is reported once, above.
    stream.on('error', () => undefined);
    if (name !== options.field || found) return void stream.resume();
    found = true;
    stream.on('data', (chunk: Buffer) => sink.push(chunk));
    stream.on('limit', () => (failure ??= options.tooLarge()));
  });
  parser.on('field', (name) => {
    if (name === options.field) failure ??= options.invalid(missing);
  });
  parser.on('partsLimit', () => (failure ??= options.invalid(`Too many form fields; send one photo in the field "${options.field}".`)));
  const parsed = new Promise<void>((resolve, reject) => {
    parser.once('close', resolve);
    // `on`, not `once`: destroying a parser mid-form emits another error ("unexpected end"), which must not go unhandled.
    parser.on('error', (error: Error) => reject(options.invalid(`The upload could not be read as multipart/form-data (${error.message}).`)));
  });
  parsed.catch(() => undefined);

  const reader = request.body.getReader();
  const onAbort = () => void reader.cancel().catch(() => undefined);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      options.signal?.throwIfAborted();
      if (done) break;
      total += value.byteLength;
      if (total > maxBody) throw options.tooLarge();
      // Refused mid-way (file over its limit, too many parts): the rest, within the body limit, is read and
      // dropped rather than the connection cut, so the client gets the answer instead of a broken pipe.
      if (failure) continue;
      if (!parser.write(value)) await new Promise((resolve) => parser.once('drain', resolve));
    }
    if (failure) throw failure;
    parser.end();
    await parsed;
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    parser.destroy();
    throw options.signal?.aborted ? options.signal.reason : error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  if (!found) throw options.invalid(missing);
  return sink.bytes();
}
