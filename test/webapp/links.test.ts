import { describe, expect, it } from 'vitest';
import { publicOrigin } from '@/app/_lib/public-origin';
import { linkLabel, profileLink } from '@/components/result/links';

describe('profileLink', () => {
  it('prefers the IMDb page', () => {
    expect(profileLink(['https://www.wikidata.org/wiki/Q1', 'https://www.imdb.com/name/nm0000158'], 'Tom Hanks')).toEqual({
      href: 'https://www.imdb.com/name/nm0000158',
      label: 'IMDb',
    });
  });

  it('falls back to the first known page, named by its host', () => {
    expect(profileLink(['https://en.wikipedia.org/wiki/Madonna'], 'Madonna')).toEqual({ href: 'https://en.wikipedia.org/wiki/Madonna', label: 'Wikipedia' });
    expect(profileLink(['https://example.org/madonna'], 'Madonna')).toEqual({ href: 'https://example.org/madonna', label: 'example.org' });
  });

  it('falls back to a Google search for the name when no URL is known', () => {
    expect(profileLink([], 'Barack Obama')).toEqual({ href: 'https://www.google.com/search?q=Barack%20Obama', label: 'Search Google' });
  });

  it('names IMDb only for imdb.com and its subdomains', () => {
    expect(linkLabel('https://m.imdb.com/name/nm0000158')).toBe('IMDb');
    expect(linkLabel('https://notimdb.com/x')).toBe('notimdb.com');
  });
});

describe('publicOrigin', () => {
  it('prefers the proxy’s forwarded host and scheme', () => {
    const headers = new Headers({ host: '127.0.0.1:3000', 'x-forwarded-host': 'celebs.example.org', 'x-forwarded-proto': 'https' });
    expect(publicOrigin(headers)).toBe('https://celebs.example.org');
  });

  it('uses the Host header without a proxy', () => {
    expect(publicOrigin(new Headers({ host: 'localhost:3100' }))).toBe('http://localhost:3100');
  });

  it('ignores a Host header that is not a host name', () => {
    expect(publicOrigin(new Headers({ host: 'evil.example/<script>' }), 'http://fallback')).toBe('http://fallback');
  });
});
