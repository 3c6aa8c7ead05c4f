/** Where a person's face samples came from: the pack's sets, imported with gallery:import, added in the admin area. */
const LABELS: Record<string, string> = { lfw: 'pack · LFW', pins_105: 'pack · pins', raw: 'pack · other sets', imported: 'imported', added: 'added here' };

export function originLabel(origin: string): string {
  return LABELS[origin] ?? `pack · ${origin}`;
}

export function OriginBadges({ origin }: { origin: Record<string, number> }) {
  const entries = Object.entries(origin).filter(([, count]) => count > 0);
  return (
    <ul aria-label="Face samples by origin" className="flex flex-wrap gap-1.5">
      {entries.map(([key, count]) => (
        <li key={key} className={`rounded-full px-2 py-0.5 text-xs font-medium ${key === 'added' ? 'bg-emerald-50 text-emerald-800 ring-1 ring-emerald-200' : key === 'imported' ? 'bg-sky-50 text-sky-800 ring-1 ring-sky-200' : 'bg-slate-100 text-slate-700 ring-1 ring-slate-200'}`}>
          {originLabel(key)}: {count}
        </li>
      ))}
    </ul>
  );
}
