import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import busboy from 'busboy';

export interface ReceivedFile {
  path: string;
  bytes: number;
  /** The name the client gave, for the extension only (never used as a path). */
  filename: string;
  /** What the client claims; the server checks the content itself. */
  mimeType: string;
}

export interface ReceiveOptions {
  /** The form field holding the file. */
  field: string;
  maxBytes: number;
  /** Where to write it, given the client's file name. */
  target: (filename: string) => string;
  tooLarge: () => Error;
  invalid: (message: string) => Error;
  /** Form parts tolerated beside the file (client libraries add some). */
  maxParts?: number;
}

/**
 * Streams one file of a multipart/form-data request to disk (busboy), never holding the body in memory:
 * refuses at once when Content-Length declares more than maxBytes plus room for the multipart framing,
 * and stops reading (removing the partial file) once the file passes maxBytes. Other fields are read and
 * dropped. The file is flushed to disk before this resolves.
 */
export async function receiveFile(request: Request, options: ReceiveOptions): Promise<ReceivedFile> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) throw options.invalid(`Send the file as multipart/form-data in the field "${options.field}".`);
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > options.maxBytes + 64 * 1024) throw options.tooLarge();
  if (!request.body) throw options.invalid(`Attach the file in the form field "${options.field}".`);

  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { 'content-type': contentType }, limits: { fileSize: options.maxBytes, files: 1, parts: options.maxParts ?? 8, fieldSize: 64 * 1024 } });
  } catch (error) {
    throw options.invalid(`The upload could not be read as multipart/form-data (${(error as Error).message}).`);
  }
  const written: string[] = [];
  let received: ReceivedFile | null = null;
  let failure: Error | null = null;
  const fileDone: Promise<void>[] = [];

  parser.on('file', (name, stream, info) => {
    if (name !== options.field || received) {
      stream.resume();
      return;
    }
    const path = options.target(info.filename ?? '');
    written.push(path);
    const file: ReceivedFile = { path, bytes: 0, filename: info.filename ?? '', mimeType: info.mimeType ?? '' };
    received = file;
    stream.on('data', (chunk: Buffer) => (file.bytes += chunk.length));
    // busboy stops the file at maxBytes (it ends truncated): the upload is refused below.
    stream.on('limit', () => (failure ??= options.tooLarge()));
    const out = createWriteStream(path, { flags: 'wx' });
    fileDone.push(
      pipeline(stream, out)
        .then(async () => {
          // On disk before the upload is acknowledged (202 means the job will run, even after a crash).
          const handle = await open(path, 'r');
          try {
            await handle.sync();
          } finally {
            await handle.close();
          }
        })
        .catch((error: unknown) => {
          failure ??= error as Error;
        }),
    );
  });
  parser.on('partsLimit', () => (failure ??= options.invalid(`Too many form fields; send one file in the field "${options.field}".`)));
  parser.on('filesLimit', () => undefined);

  try {
    await pipeline(Readable.fromWeb(request.body as unknown as NodeWebReadableStream<Uint8Array>), parser);
  } catch (error) {
    failure ??= options.invalid(`The upload could not be read as multipart/form-data (${(error as Error).message}).`);
  }
  await Promise.allSettled(fileDone);
  const file = received as ReceivedFile | null;
  if (failure || !file) {
    await Promise.all(written.map((path) => rm(path, { force: true })));
    throw failure ?? options.invalid(`Attach the file in the form field "${options.field}".`);
  }
  return file;
}
