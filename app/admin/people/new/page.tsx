import type { Metadata } from 'next';
import { AddPersonForm } from '@/components/admin/add-person-form';
import { AdminHeader } from '@/components/admin/admin-header';
import { requireAdminPage } from '../../_lib/guard';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Add a person' };

export default async function AddPersonPage() {
  await requireAdminPage('/admin/people/new');
  return (
    <main className="mx-auto w-full max-w-5xl px-4 py-8 sm:px-6 sm:py-10">
      <AdminHeader title="Add a person" current="new">
        <p className="mt-2 text-sm text-slate-600">Recognized on every worker within a couple of seconds of saving. A name someone already has adds the photos to them.</p>
      </AdminHeader>
      <AddPersonForm />
    </main>
  );
}
