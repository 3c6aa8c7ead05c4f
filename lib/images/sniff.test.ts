import { describe, expect, it } from 'vitest';
import { sniffImageType } from './sniff';

const bytes = (...values: (number | string)[]) =>
  new Uint8Array(values.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])));

describe('sniffImageType', () => {
  it.each([
    ['jpeg', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10)],
    ['png', bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0)],
    ['webp', bytes('RIFF', 0x24, 0, 0, 0, 'WEBPVP8 ')],
    ['gif', bytes('GIF89a', 1, 0)],
    ['gif', bytes('GIF87a', 1, 0)],
    ['avif', bytes(0, 0, 0, 0x1c, 'ftyp', 'avif', 0, 0, 0, 0, 'avifmif1')],
    ['avif', bytes(0, 0, 0, 0x20, 'ftyp', 'mif1', 0, 0, 0, 0, 'mif1', 'miaf', 'avis')],
  ])('recognises %s by its magic bytes', (type, input) => {
    expect(sniffImageType(input)).toBe(type);
  });

  it.each([
    ['empty', bytes()],
    ['text named .jpg', bytes('hello world')],
    ['truncated JPEG marker', bytes(0xff, 0xd8)],
    ['HEIC (ftyp heic)', bytes(0, 0, 0, 0x18, 'ftyp', 'heic', 0, 0, 0, 0, 'mif1heic')],
    ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg">')],
    ['RIFF that is WAVE', bytes('RIFF', 0x24, 0, 0, 0, 'WAVEfmt ')],
  ])('refuses %s', (_name, input) => {
    expect(sniffImageType(input)).toBeNull();
  });
});
