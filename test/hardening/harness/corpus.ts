import { limits } from '../../../lib/limits';
import { animatedGif, jpegWithHtml, paddedTo, pngBomb, pngWithBrokenCrc, readPhoto, solid } from './images';

/** What one case sends: a path, a method and a body built with fetch's own types. */
export interface CorpusRequest {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: BodyInit;
}

/** One bad (or borderline) input and the documented answer it must get. */
export interface CorpusCase {
  name: string;
  request: CorpusRequest;
  status: number;
  /** `error.code` for the app's API, `__type` for /api/rekognition, null for non-JSON answers (pages). */
  code: string | null;
}

/** The corpus comes from one client, its Rekognition cases unsigned: per-client limits off, the endpoint open. */
export const CORPUS_SERVER_ENV = { CLIENT_RECOGNITION_RATE: '0', CLIENT_MAX_IN_FLIGHT: '0', CLIENT_API_RATE: '0', REKOGNITION_ALLOW_UNSIGNED: '1' };

const RECOGNITIONS = '/api/recognitions';
const REKOGNITION = '/api/rekognition';

function upload(file: Uint8Array, name = 'photo.jpg', type = 'image/jpeg', field = 'image'): CorpusRequest {
  const form = new FormData();
  form.append(field, new Blob([Buffer.from(file)], { type }), name);
  return { path: RECOGNITIONS, method: 'POST', body: form };
}

function rekognition(body: string, target = 'RekognitionService.RecognizeCelebrities'): CorpusRequest {
  return { path: REKOGNITION, method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body };
}

const INVALID_IDS = {
  'dot-dot-slash': encodeURIComponent('../../recognitions.sqlite'),
  'very long': 'A'.repeat(4000),
  'non-ASCII': encodeURIComponent('ünïcødé-ünïcødé-ünïcø'),
  'NUL byte': '%00AAAAAAAAAAAAAAAAAAAAA',
} as const;

function idCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const [label, id] of Object.entries(INVALID_IDS)) {
    cases.push(
      { name: `GET result, id ${label}`, request: { path: `${RECOGNITIONS}/${id}` }, status: 404, code: 'not_found' },
      { name: `GET photo, id ${label}`, request: { path: `${RECOGNITIONS}/${id}/image` }, status: 404, code: 'not_found' },
      { name: `GET face crop, id ${label}`, request: { path: `${RECOGNITIONS}/${id}/faces/0` }, status: 404, code: 'not_found' },
      { name: `DELETE result, id ${label}`, request: { path: `${RECOGNITIONS}/${id}`, method: 'DELETE', headers: { authorization: 'Bearer x' } }, status: 404, code: 'not_found' },
      { name: `GET celebrity API, id ${label}`, request: { path: `/api/celebrities/${id}` }, status: 404, code: 'not_found' },
      { name: `result page /r/, id ${label}`, request: { path: `/r/${id}` }, status: 404, code: null },
      { name: `celebrity page, id ${label}`, request: { path: `/celebrities/${id}` }, status: 404, code: null },
    );
  }
  return cases;
}

function rekognitionCases(photo: Uint8Array): CorpusCase[] {
  const overFiveMb = Buffer.from(paddedTo(photo, 6 * 1024 * 1024)).toString('base64');
  return [
    { name: 'rekognition: malformed JSON', request: rekognition('{"Image": {"Bytes": '), status: 400, code: 'SerializationException' },
    { name: 'rekognition: Bytes is a number', request: rekognition('{"Image": {"Bytes": 12345}}'), status: 400, code: 'InvalidParameterException' },
    { name: 'rekognition: Image is a string', request: rekognition('{"Image": "photo.jpg"}'), status: 400, code: 'InvalidParameterException' },
    { name: 'rekognition: no Image', request: rekognition('{}'), status: 400, code: 'InvalidParameterException' },
    { name: 'rekognition: JSON array body', request: rekognition('[1,2,3]'), status: 400, code: 'InvalidParameterException' },
    { name: 'rekognition: Bytes of a text file', request: rekognition(JSON.stringify({ Image: { Bytes: Buffer.from('hello, not an image').toString('base64') } })), status: 400, code: 'InvalidImageFormatException' },
    { name: 'rekognition: unknown operation', request: rekognition('{}', 'RekognitionService.DeleteCollection'), status: 400, code: 'UnknownOperationException' },
    { name: 'rekognition: GetCelebrityInfo Id is a number', request: rekognition('{"Id": 7}', 'RekognitionService.GetCelebrityInfo'), status: 400, code: 'InvalidParameterException' },
    { name: 'rekognition: GetCelebrityInfo Id ../', request: rekognition('{"Id": "../../etc/passwd"}', 'RekognitionService.GetCelebrityInfo'), status: 400, code: 'InvalidParameterException' },
    { name: 'rekognition: image over 5 MB', request: rekognition(JSON.stringify({ Image: { Bytes: overFiveMb } })), status: 400, code: 'ImageTooLargeException' },
    { name: 'rekognition: body far over the limit (40 MB)', request: rekognition('{"Image": {"Bytes": "' + 'A'.repeat(40 * 1024 * 1024) + '"}}'), status: 400, code: 'ImageTooLargeException' },
  ];
}

/**
 * The bad-input corpus, generated now from a real photo (../shared/datasets) and sharp: every case has
 * the status and error code docs/webapp.md "Errors" and docs/hardening.md document for it.
 */
export async function buildCorpus(): Promise<CorpusCase[]> {
  const photo = await readPhoto();
  const manyParts = new FormData();
  for (let i = 0; i < 500; i += 1) manyParts.append(`field${i}`, 'x');
  manyParts.append('image', new Blob([Buffer.from(photo)], { type: 'image/jpeg' }), 'photo.jpg');
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><script>alert(1)</script><rect width="200" height="200"/></svg>';
  const htmlFirst = Buffer.concat([Buffer.from('<!doctype html><html><script>alert(1)</script></html>\n'), photo]);
  return [
    { name: 'empty body (multipart header)', request: { path: RECOGNITIONS, method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '' }, status: 400, code: 'invalid_input' },
    { name: 'empty body, no Content-Type', request: { path: RECOGNITIONS, method: 'POST' }, status: 400, code: 'invalid_input' },
    { name: 'missing field (empty form)', request: { path: RECOGNITIONS, method: 'POST', body: new FormData() }, status: 400, code: 'invalid_input' },
    { name: 'misnamed field "photo"', request: upload(photo, 'photo.jpg', 'image/jpeg', 'photo'), status: 400, code: 'invalid_input' },
    { name: 'field is text, not a file', request: { path: RECOGNITIONS, method: 'POST', body: (() => { const f = new FormData(); f.append('image', 'hello'); return f; })() }, status: 400, code: 'invalid_input' },
    { name: 'empty file', request: upload(new Uint8Array(0)), status: 400, code: 'invalid_input' },
    { name: 'text file named .jpg', request: upload(Buffer.from('just some text, honestly\n'.repeat(20))), status: 415, code: 'unsupported_type' },
    { name: 'truncated JPEG (first 40 %)', request: upload(photo.subarray(0, Math.floor(photo.byteLength * 0.4))), status: 415, code: 'unsupported_type' },
    { name: 'PNG with broken CRC', request: upload(await pngWithBrokenCrc(photo), 'photo.png', 'image/png'), status: 415, code: 'unsupported_type' },
    { name: 'decompression bomb (30000×30000 PNG header)', request: upload(pngBomb(30_000, 30_000), 'bomb.png', 'image/png'), status: 413, code: 'too_large' },
    { name: 'decompression bomb (65535×65535 PNG header)', request: upload(pngBomb(65_535, 65_535), 'bomb.png', 'image/png'), status: 413, code: 'too_large' },
    { name: '1×1 PNG', request: upload(await solid(1, 1), 'dot.png', 'image/png'), status: 400, code: 'image_too_small' },
    { name: '79×79 PNG', request: upload(await solid(79, 79), 'small.png', 'image/png'), status: 400, code: 'image_too_small' },
    { name: 'animated GIF (first frame used)', request: upload(await animatedGif(photo), 'anim.gif', 'image/gif'), status: 201, code: null },
    { name: 'SVG with a script', request: upload(Buffer.from(svg), 'x.svg', 'image/svg+xml'), status: 415, code: 'unsupported_type' },
    { name: 'HTML/JPEG polyglot (HTML first)', request: upload(htmlFirst, 'x.jpg'), status: 415, code: 'unsupported_type' },
    { name: 'JPEG/HTML polyglot (script in COM; re-encoded)', request: upload(jpegWithHtml(photo), 'x.jpg'), status: 201, code: null },
    { name: 'file just under the limit (10 MB − 1 KB)', request: upload(paddedTo(photo, limits.maxUploadBytes - 1024)), status: 201, code: null },
    { name: 'file just over the limit (10 MB + 1 B)', request: upload(paddedTo(photo, limits.maxUploadBytes + 1)), status: 413, code: 'too_large' },
    { name: 'body far over the limit (60 MB)', request: upload(paddedTo(photo, 60 * 1024 * 1024)), status: 413, code: 'too_large' },
    { name: 'multipart with 500 parts', request: { path: RECOGNITIONS, method: 'POST', body: manyParts }, status: 400, code: 'invalid_input' },
    { name: 'wrong Content-Type (JSON)', request: { path: RECOGNITIONS, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"image": "x"}' }, status: 400, code: 'invalid_input' },
    { name: 'wrong Content-Type (raw image/jpeg)', request: { path: RECOGNITIONS, method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: Buffer.from(photo) }, status: 400, code: 'invalid_input' },
    { name: 'multipart header, garbage body', request: { path: RECOGNITIONS, method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=abc' }, body: 'not multipart at all' }, status: 400, code: 'invalid_input' },
    ...idCases(),
    ...rekognitionCases(photo),
  ];
}
