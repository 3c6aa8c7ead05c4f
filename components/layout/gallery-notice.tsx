import type { RecognizerKind } from '@/lib/contract/rekognition';

/** What the recognizer knows; null while it loads or when it failed (the notice then says nothing). */
export type GalleryStatus = { kind: RecognizerKind; celebrities: number | null } | null;

const importCommand = 'npm run gallery:import -- path/to/people   # one folder per person: Person_Name/*.jpg';

/** Shown when the local engine has nobody to match against (pack off, nothing imported): every face would come back unrecognized. */
export function GalleryNotice({ status }: { status: GalleryStatus }) {
  if (!status || status.kind !== 'local' || status.celebrities !== 0) return null;
  return (
    <aside aria-labelledby="gallery-empty" className="mb-6 rounded-2xl border border-amber-200 bg-amber-50 p-5 text-sm text-amber-950">
      <h2 id="gallery-empty" className="font-semibold">The celebrity gallery is empty</h2>
      <p className="mt-1 text-amber-900">
        Faces will be found but nobody can be named: the shipped celebrity pack is off
        (<code>CELEBRITY_PACK=off</code>) and no one has been imported. Unset it, or import your own people, then reload this page.
      </p>
      <pre className="mt-3 overflow-x-auto rounded-lg bg-amber-100/80 p-3 text-xs text-amber-950">
        <code>{importCommand}</code>
      </pre>
    </aside>
  );
}
