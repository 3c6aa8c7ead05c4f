import { describe, expect, it } from 'vitest';
import { MultipartJpegSplitter } from './mpjpeg';

function part(bytes: number[]): Buffer {
  return Buffer.concat([Buffer.from(`--ffmpeg\r\nContent-type: image/jpeg\r\nContent-length: ${bytes.length}\r\n\r\n`), Buffer.from(bytes), Buffer.from('\r\n')]);
}

describe('MultipartJpegSplitter', () => {
  it('splits parts by their length, even when the body holds boundary-like bytes and chunks cut anywhere', () => {
    const a = [0xff, 0xd8, ...Buffer.from('\r\n\r\n--ffmpeg\r\n'), 0xff, 0xd9];
    const b = [0xff, 0xd8, 1, 2, 3, 0xff, 0xd9];
    const stream = Buffer.concat([part(a), part(b), part(a)]);
    for (const size of [1, 3, 7, 64, stream.length]) {
      const splitter = new MultipartJpegSplitter();
      const frames: Uint8Array[] = [];
      for (let i = 0; i < stream.length; i += size) frames.push(...splitter.push(stream.subarray(i, i + size)));
      expect(frames.map((f) => [...f])).toEqual([a, b, a]);
      // At most the CRLF that ends the last part is left.
      expect(splitter.pending).toBeLessThanOrEqual(2);
    }
  });

  it('refuses a part without a length', () => {
    expect(() => new MultipartJpegSplitter().push(Buffer.from('--ffmpeg\r\nContent-type: image/jpeg\r\n\r\nxx'))).toThrow(/Content-length/);
  });
});
