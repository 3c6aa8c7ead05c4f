import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AddPersonForm } from '@/components/admin/add-person-form';
import { AdminHeader } from '@/components/admin/admin-header';
import { OriginBadges } from '@/components/admin/origin-badges';
import { PersonEditor } from '@/components/admin/person-editor';
import { RemoveSampleButton } from '@/components/admin/remove-sample-button';
import { AppError } from '@/lib/errors';
import { getPerson, type PersonDetail, type SampleInfo } from '@/lib/use-cases/admin-people';
import { isAdminRequest, requireAdminPage } from '../../_lib/guard';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

async function load(id: string): Promise<PersonDetail> {
  try {
    return await getPerson(id);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  if (!(await isAdminRequest())) return { title: 'Person' };
  return { title: await getPerson(id).then((p) => p.name, () => 'Person') };
}

function describe(sample: SampleInfo): string {
  if (sample.recognition) return `Face ${sample.recognition.face + 1} of a result`;
  if (sample.file) return sample.file;
  return sample.origin === 'added' ? 'Added here' : 'Imported';
}

export default async function PersonPage({ params }: Props) {
  const { id } = await params;
  await requireAdminPage(`/admin/people/${id}`);
  if (!/^[0-9A-Za-z]{1,64}$/.test(id)) notFound();
  const person = await load(id);
  const samples = person.operatorSamples.filter((s) => !s.negative);
  const negatives = person.operatorSamples.filter((s) => s.negative);
  const list = (items: SampleInfo[], kind: string) => (
    <ul aria-label={kind} className="mt-3 divide-y divide-slate-200 rounded-xl border border-slate-200">
      {items.map((sample) => (
        <li key={sample.id} className="flex items-center gap-3 px-3 py-2">
          {sample.origin === 'added' ? (
            // eslint-disable-next-line @next/next/no-img-element -- the sample's own face crop, served to admins only
            <img src={`/api/admin/people/${person.id}/samples/${sample.id}/face`} alt={`Face of ${kind === 'Face samples' ? 'sample' : 'negative sample'} ${sample.id}`} width={48} height={48} className="size-12 rounded-lg bg-slate-100 object-cover" />
          ) : (
            <span aria-hidden="true" className="grid size-12 place-items-center rounded-lg bg-slate-100 text-xs text-slate-400">file</span>
          )}
          <div className="min-w-0 flex-1 text-sm">
            <p className="truncate font-medium text-slate-800">
              {sample.recognition ? <Link href={`/r/${sample.recognition.id}`} className="hover:underline">{describe(sample)}</Link> : describe(sample)}
            </p>
            <p className="text-xs text-slate-500">
              {sample.origin === 'added' ? 'added here' : 'imported'}
              {sample.addedAt ? ` · ${new Date(sample.addedAt).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC` : ''}
            </p>
          </div>
          <RemoveSampleButton personId={person.id} sampleId={sample.id} label={`${kind === 'Face samples' ? 'sample' : 'negative sample'} ${describe(sample)}`} />
        </li>
      ))}
    </ul>
  );
  return (
    <main className="mx-auto w-full max-w-5xl px-4 py-8 sm:px-6 sm:py-10">
      <AdminHeader title={person.name} current="person">
        <p className="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <span className="font-mono text-xs text-slate-500">{person.id}</span>
          <span>{person.inPack ? 'Celebrity pack' : 'Your gallery'}</span>
          {person.optedOut ? <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-semibold text-red-700 ring-1 ring-red-200">opted out: never named</span> : null}
        </p>
      </AdminHeader>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-6">
          <section aria-labelledby="samples-heading" className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
            <h2 id="samples-heading" className="text-lg font-semibold text-slate-900">{person.samples} face {person.samples === 1 ? 'sample' : 'samples'}</h2>
            <div className="mt-2"><OriginBadges origin={person.origin} /></div>
            {person.aliases.length ? <p className="mt-2 text-sm text-slate-600">Also known as {person.aliases.join(', ')}</p> : null}
            {samples.length ? list(samples, 'Face samples') : <p className="mt-3 text-sm text-slate-500">{person.inPack ? 'All samples come from the celebrity pack (it is read-only: opt the person out to stop naming them).' : 'No samples.'}</p>}
            {negatives.length ? (
              <>
                <h3 className="mt-5 text-sm font-semibold text-slate-800">Marked “this is not {person.name}” ({negatives.length})</h3>
                <p className="text-xs text-slate-500">A face closer to one of these than to {person.name} is not named {person.name}.</p>
                {list(negatives, 'Negative samples')}
              </>
            ) : null}
          </section>
          <section aria-labelledby="add-photos-heading" className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
            <h2 id="add-photos-heading" className="mb-4 text-lg font-semibold text-slate-900">Add photos</h2>
            <AddPersonForm person={{ id: person.id, name: person.name }} />
          </section>
        </div>
        <PersonEditor person={{ id: person.id, name: person.name, urls: person.urls, inPack: person.inPack, optedOut: person.optedOut }} />
      </div>
    </main>
  );
}
