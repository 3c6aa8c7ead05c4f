import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { GalleryNotice } from '@/components/layout/gallery-notice';

const render = (status: Parameters<typeof GalleryNotice>[0]['status']) => renderToStaticMarkup(createElement(GalleryNotice, { status }));

describe('GalleryNotice', () => {
  it('names the way back when the local engine knows nobody (pack off, nothing imported)', () => {
    const html = render({ kind: 'local', celebrities: 0 });
    expect(html).toContain('The celebrity gallery is empty');
    expect(html).toContain('CELEBRITY_PACK=off');
    expect(html).toContain('npm run gallery:import -- path/to/people');
  });

  it.each([
    ['a filled local gallery', { kind: 'local' as const, celebrities: 46 }],
    ['Rekognition (its list is not public)', { kind: 'rekognition' as const, celebrities: null }],
    ['a recognizer still loading', null],
  ])('says nothing for %s', (_name, status) => {
    expect(render(status)).toBe('');
  });
});
