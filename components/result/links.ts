/** Where to look someone up when nobody knows a page for them. */
export function webSearchUrl(name: string): string {
  return `https://www.google.com/search?q=${encodeURIComponent(name)}`;
}

/** A link's label: the site's name for the usual ones, else its host. URLs are absolute (the recognizers make them so). */
export function linkLabel(url: string): string {
  const host = safeHost(url).replace(/^www\./, '');
  if (host === 'imdb.com' || host.endsWith('.imdb.com')) return 'IMDb';
  if (host.endsWith('wikipedia.org')) return 'Wikipedia';
  if (host.endsWith('wikidata.org')) return 'Wikidata';
  return host || 'Profile';
}

/** Where a card links: the IMDb page when known, else the first known page, else a web search for the name. */
export function profileLink(urls: readonly string[], name: string): { href: string; label: string } {
  const best = urls.find((url) => linkLabel(url) === 'IMDb') ?? urls[0];
  return best ? { href: best, label: linkLabel(best) } : { href: webSearchUrl(name), label: 'Search Google' };
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
