import Link from 'next/link';
import { SignOutButton } from './sign-out-button';

/** The admin area's title row and its own navigation. */
export function AdminHeader({ title, current, children }: { title: string; current: 'people' | 'new' | 'person'; children?: React.ReactNode }) {
  const link = (href: string, label: string, active: boolean) => (
    <Link href={href} aria-current={active ? 'page' : undefined} className={`rounded-lg px-3 py-2 text-sm font-medium ${active ? 'bg-brand-50 text-brand-700' : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900'}`}>
      {label}
    </Link>
  );
  return (
    <div className="mb-6 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
      <div className="min-w-0 flex-1">
        <p className="text-sm font-medium text-brand-600">Admin</p>
        <h1 className="mt-1 truncate text-3xl font-bold tracking-tight text-slate-900">{title}</h1>
        {children}
      </div>
      <nav aria-label="Admin" className="flex shrink-0 flex-wrap items-center gap-1 whitespace-nowrap">
        {link('/admin', 'People', current === 'people')}
        {link('/admin/people/new', 'Add a person', current === 'new')}
        <SignOutButton />
      </nav>
    </div>
  );
}
