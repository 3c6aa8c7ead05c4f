import type { Metadata } from 'next';
import type { ReactNode } from 'react';

export const metadata: Metadata = { title: { default: 'Admin', template: '%s · Admin · Celebrity Finder' }, robots: { index: false, follow: false } };

/** The admin area's frame. Every admin page checks the session itself (layouts are not re-run on client navigation). */
export default function AdminLayout({ children }: { children: ReactNode }) {
  return <div className="flex flex-1 flex-col bg-slate-50">{children}</div>;
}
