import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { SignInForm } from '@/components/admin/sign-in-form';
import { ADMIN_COOKIE, adminAccess } from '@/lib/use-cases/admin-session';
import { safeNext } from '../_lib/guard';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: Props) {
  const next = safeNext((await searchParams).next);
  const access = adminAccess((await cookies()).get(ADMIN_COOKIE)?.value);
  if (access === 'off') notFound();
  if (access === 'signed-in') redirect(next);
  return (
    <main className="mx-auto w-full max-w-md px-4 py-14">
      <h1 className="text-3xl font-semibold tracking-tight text-slate-900">Admin sign-in</h1>
      <p className="mt-2 text-sm text-slate-600">
        Enter the admin token set on this server (<code className="rounded bg-slate-100 px-1">ADMIN_TOKEN</code>). You stay signed in for 8 hours on this browser.
      </p>
      <SignInForm next={next} />
    </main>
  );
}
