/** The app mark: a face inside a viewfinder. */
export function Logo({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" className={className}>
      <rect width="32" height="32" rx="9" className="fill-brand-600" />
      <path d="M8 12V9.5A1.5 1.5 0 0 1 9.5 8H12M20 8h2.5A1.5 1.5 0 0 1 24 9.5V12M24 20v2.5a1.5 1.5 0 0 1-1.5 1.5H20M12 24H9.5A1.5 1.5 0 0 1 8 22.5V20" fill="none" stroke="white" strokeWidth="2" strokeLinecap="round" />
      <circle cx="13.5" cy="14.5" r="1.3" fill="white" />
      <circle cx="18.5" cy="14.5" r="1.3" fill="white" />
      <path d="M13 18.5c1.6 1.5 4.4 1.5 6 0" fill="none" stroke="white" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  );
}
