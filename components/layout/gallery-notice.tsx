import type { GalleryStatus } from '@/app/_lib/gallery-status';

const importCommand =
  'npm run gallery:import -- ../shared/datasets/lfw/images_deepfunneled --imdb ../shared/datasets/imdb/hollywood_actor_rankings.csv';

/** Shown when the local engine has nobody to match against: every face would come back unrecognized. */
export function GalleryNotice({ status }: { status: GalleryStatus }) {
  if (!status || status.kind !== 'local' || status.celebrities !== 0) return null;
  return (
    <aside aria-labelledby="gallery-empty" className="mb-6 rounded-2xl border border-amber-200 bg-amber-50 p-5 text-sm text-amber-950">
      <h2 id="gallery-empty" className="font-semibold">The celebrity gallery is empty</h2>
      <p className="mt-1 text-amber-900">
        Faces will be found but nobody can be named until you import a gallery: one folder per person
        (<code>Person_Name/*.jpg</code>, as in LFW), then reload this page.
      </p>
      <pre className="mt-3 overflow-x-auto rounded-lg bg-amber-100/80 p-3 text-xs text-amber-950">
        <code>{importCommand}</code>
      </pre>
    </aside>
  );
}
