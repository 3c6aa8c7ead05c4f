/** Rekognition gives URLs without a scheme ("www.imdb.com/name/nm0000158"): make them absolute https. */
export function withScheme(url: string): string {
  return /^https?:\/\//i.test(url) ? url : `https://${url.replace(/^\/+/, '')}`;
}

/** Where a card links: the IMDb page when known, else the first known page, else a Google search for the name. */
export function profileLink(urls: readonly string[], name: string): { href: string; label: string } {
  const absolute = urls.map(withScheme);
  const imdb = absolute.find((url) => /(^|\.)imdb\.com$/i.test(safeHost(url)));
  if (imdb) return { href: imdb, label: 'IMDb' };
  const first = absolute[0];
  if (first) return { href: first, label: safeHost(first).replace(/^www\./, '') || 'Profile' };
  return { href: `https://www.google.com/search?q=${encodeURIComponent(name)}`, label: 'Search Google' };
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
