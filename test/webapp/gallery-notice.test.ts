import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { GalleryNotice } from '@/components/layout/gallery-notice';

const render = (status: Parameters<typeof GalleryNotice>[0]['status']) => renderToStaticMarkup(createElement(GalleryNotice, { status }));

describe('GalleryNotice', () => {
  it('tells how to import a gallery when the local gallery is empty', () => {
    const html = render({ kind: 'local', celebrities: 0 });
    expect(html).toContain('The celebrity gallery is empty');
    expect(html).toContain('npm run gallery:import -- ../shared/datasets/lfw/images_deepfunneled --imdb ../shared/datasets/imdb/hollywood_actor_rankings.csv');
  });

  it.each([
    ['a filled local gallery', { kind: 'local' as const, celebrities: 46 }],
    ['Rekognition (its list is not public)', { kind: 'rekognition' as const, celebrities: null }],
    ['a recognizer still loading', null],
  ])('says nothing for %s', (_name, status) => {
    expect(render(status)).toBe('');
  });
});
