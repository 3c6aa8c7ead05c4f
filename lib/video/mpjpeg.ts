/**
 * Splits ffmpeg's `-f mpjpeg` output (multipart/x-mixed-replace: `--ffmpeg`, `Content-type`, `Content-length: N`,
 * a blank line, N bytes of JPEG) into whole JPEGs. Length-delimited, so a JPEG's bytes are never searched for
 * markers. Pure and incremental: feed chunks as they arrive from the pipe.
 */
export class MultipartJpegSplitter {
  private buffer: Buffer = Buffer.alloc(0);

  /** Adds a chunk; returns the JPEGs it completed, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : Buffer.from(chunk);
    const frames: Uint8Array[] = [];
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) break;
      const header = this.buffer.subarray(0, headerEnd).toString('latin1');
      const length = /content-length:\s*(\d+)/i.exec(header);
      if (!length) throw new Error(`mpjpeg part without Content-length: ${JSON.stringify(header.slice(0, 80))}`);
      const start = headerEnd + 4;
      const end = start + Number(length[1]);
      if (this.buffer.length < end) break;
      frames.push(new Uint8Array(this.buffer.subarray(start, end)));
      // The part ends with CRLF before the next boundary; skip whatever separates them.
      this.buffer = this.buffer.subarray(end);
      const next = this.buffer.indexOf('--');
      this.buffer = next < 0 ? Buffer.alloc(0) : this.buffer.subarray(next);
    }
    return frames;
  }

  /** Bytes held back waiting for the rest of a part. */
  get pending(): number {
    return this.buffer.length;
  }
}
