import { cookies } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { ADMIN_COOKIE, adminAccess } from '@/lib/use-cases/admin-session';

/** Admin pages: 404 while ADMIN_TOKEN is unset; signed out, a redirect to sign-in that comes back to `path`. */
export async function requireAdminPage(path: string): Promise<void> {
  const access = adminAccess((await cookies()).get(ADMIN_COOKIE)?.value);
  if (access === 'off') notFound();
  if (access === 'signed-out') redirect(`/admin/sign-in?next=${encodeURIComponent(path)}`);
}

/** True when this request carries a signed-in admin session (result pages show the admin controls then). */
export async function isAdminRequest(): Promise<boolean> {
  return adminAccess((await cookies()).get(ADMIN_COOKIE)?.value) === 'signed-in';
}

/** Only same-site paths under /admin are followed after sign-in. */
export function safeNext(next: string | string[] | undefined): string {
  const value = Array.isArray(next) ? next[0] : next;
  return value && /^\/(admin|r\/)[A-Za-z0-9/_?=&%.-]*$/.test(value) && !value.startsWith('//') ? value : '/admin';
}
