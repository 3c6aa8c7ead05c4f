import Link from 'next/link';
import type { Lookalike } from '@/lib/contract/lookalikes';
import type { StoredRecognition } from '@/lib/store';
import { CelebrityCard } from './celebrity-card';
import { LookalikeList } from './lookalikes';
import { NameFaceForm, RejectNameButton } from './name-face-form';
import { faceThumbnailUrl } from './thumbnail-url';
import { FaceBoxes, FaceHighlightProvider, HighlightOnHover, type DrawnFace } from './face-highlight';

function drawnFaces(recognition: StoredRecognition): DrawnFace[] {
  const { CelebrityFaces, UnrecognizedFaces } = recognition.result;
  const named = CelebrityFaces.map((c, index) => ({
    index,
    box: c.Face.BoundingBox,
    name: c.Name,
    label: `${c.Name}, ${c.MatchConfidence.toFixed(1)} % match`,
  }));
  const unnamed = UnrecognizedFaces.map((f, i) => ({ index: CelebrityFaces.length + i, box: f.BoundingBox, name: null, label: 'Unrecognized face' }));
  return [...named, ...unnamed];
}

/** A photo smaller than this on its long side is shown enlarged to it (at most 3×): a 100 px crop is unreadable as is. */
const SMALL_PHOTO_DISPLAY_SIDE = 360;

/** The CSS width that enlarges a small photo, or undefined for one shown at its own size. */
function smallPhotoWidth(image: { width: number; height: number }): string | undefined {
  const longSide = Math.max(image.width, image.height);
  if (longSide >= SMALL_PHOTO_DISPLAY_SIDE) return undefined;
  return `${Math.round(image.width * Math.min(3, SMALL_PHOTO_DISPLAY_SIDE / longSide))}px`;
}

/**
 * The photo with its face boxes beside the celebrity cards; pointing at a card highlights its box. Each face
 * may come with the people it looks a bit like (`lookalikes`, in the page's face order: celebrities first),
 * and a signed-in admin gets "Name this face" and "This is not …".
 */
export function ResultView({ recognition, lookalikes = [], admin = false }: { recognition: StoredRecognition; lookalikes?: readonly Lookalike[][]; admin?: boolean }) {
  const { id, image, result } = recognition;
  const displayWidth = smallPhotoWidth(image);
  const celebrities = result.CelebrityFaces;
  const unrecognized = result.UnrecognizedFaces.length;
  const strangerCards = admin || result.UnrecognizedFaces.some((_face, i) => (lookalikes[celebrities.length + i]?.length ?? 0) > 0);
  return (
    <FaceHighlightProvider>
      <div className="grid gap-8 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <figure className="flex flex-col items-center self-start">
          <div className="relative max-w-full rounded-2xl bg-slate-900/5 shadow-sm ring-1 ring-slate-200">
            {/* eslint-disable-next-line @next/next/no-img-element -- the stored photo, served as-is so boxes line up */}
            <img
              src={`/api/recognitions/${id}/image`}
              alt={celebrities.length ? `Photo with ${celebrities.map((c) => c.Name).join(', ')}` : 'The uploaded photo'}
              width={image.width}
              height={image.height}
              className="block h-auto max-h-[80vh] w-auto max-w-full rounded-2xl"
              style={displayWidth ? { width: displayWidth } : undefined}
            />
            <FaceBoxes faces={drawnFaces(recognition)} />
          </div>
          <figcaption className="mt-3 flex w-full flex-wrap justify-center items-center gap-x-4 gap-y-1 text-xs text-slate-500">
            <span className="inline-flex items-center gap-1.5"><span aria-hidden="true" className="size-3 rounded-sm border-2 border-brand-500" />Recognized</span>
            <span className="inline-flex items-center gap-1.5"><span aria-hidden="true" className="size-3 rounded-sm border-2 border-dashed border-slate-500" />Not recognized</span>
          </figcaption>
        </figure>
        <section aria-labelledby="celebrities-heading" aria-live="polite">
          <h2 id="celebrities-heading" className="text-sm font-semibold uppercase tracking-wide text-slate-500">
            Recognized celebrities ({celebrities.length})
          </h2>
          {celebrities.length ? (
            <ul aria-label="Recognized celebrities" className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-1">
              {celebrities.map((celebrity, index) => (
                <li key={`${celebrity.Id}-${index}`}>
                  {admin || lookalikes[index]?.length ? (
                    // In a plain box the card keeps its own height instead of stretching over the lines below it.
                    <div><CelebrityCard celebrity={celebrity} index={index} thumbnailUrl={faceThumbnailUrl(id, result, index)} /></div>
                  ) : (
                    <CelebrityCard celebrity={celebrity} index={index} thumbnailUrl={faceThumbnailUrl(id, result, index)} />
                  )}
                  {admin || lookalikes[index]?.length ? (
                    <div className="mt-2 space-y-2 px-1">
                      {lookalikes[index]?.length ? (
                        <details className="group/lookalikes text-sm">
                          <summary className="cursor-pointer rounded text-xs font-medium text-slate-500 hover:text-slate-800">Who else do they look like?</summary>
                          <div className="mt-2"><LookalikeList people={lookalikes[index]!} faceLabel={`The face named ${celebrity.Name}`} /></div>
                        </details>
                      ) : null}
                      {admin ? <RejectNameButton recognitionId={id} face={index} name={celebrity.Name} /> : null}
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-3 rounded-2xl border border-slate-200 bg-white p-4 text-sm text-slate-600">
              None of the faces matches a celebrity we know. See <Link href="/celebrities" className="font-medium text-brand-700 underline">who we can recognize</Link>.
            </p>
          )}
          {unrecognized > 0 ? (
            <div className="mt-6">
              <p className="text-sm text-slate-700" data-testid="unrecognized-count">
                {unrecognized === 1 ? '1 face was not recognized' : `${unrecognized} faces were not recognized`}
              </p>
              {strangerCards ? (
                <ul aria-label="Unrecognized faces" className="mt-2 grid gap-3 sm:grid-cols-2 lg:grid-cols-1">
                  {result.UnrecognizedFaces.map((_face, i) => (
                    <li key={i}>
                      <HighlightOnHover index={celebrities.length + i} className="h-full">
                        <article aria-label={`Unrecognized face ${i + 1}`} className="flex h-full gap-3 rounded-2xl border border-dashed border-slate-300 bg-white p-3">
                          {/* eslint-disable-next-line @next/next/no-img-element -- server-cropped thumbnail */}
                          <img
                            src={faceThumbnailUrl(id, result, celebrities.length + i)}
                            alt={`Unrecognized face ${i + 1}`}
                            width={56}
                            height={56}
                            loading="lazy"
                            className="size-14 shrink-0 rounded-lg bg-slate-100 object-cover ring-1 ring-slate-200 grayscale"
                          />
                          <div className="min-w-0 flex-1 space-y-2">
                            <p className="text-sm font-medium text-slate-700">Face {i + 1} · not recognized</p>
                            <LookalikeList people={lookalikes[celebrities.length + i] ?? []} faceLabel={`Unrecognized face ${i + 1}`} />
                            {admin ? <NameFaceForm recognitionId={id} face={celebrities.length + i} faceLabel={`unrecognized face ${i + 1}`} /> : null}
                          </div>
                        </article>
                      </HighlightOnHover>
                    </li>
                  ))}
                </ul>
              ) : (
                <ul aria-label="Unrecognized faces" className="mt-2 flex flex-wrap gap-2">
                  {result.UnrecognizedFaces.map((_face, i) => (
                    <li key={i}>
                      <HighlightOnHover index={celebrities.length + i}>
                        {/* eslint-disable-next-line @next/next/no-img-element -- server-cropped thumbnail */}
                        <img
                          src={faceThumbnailUrl(id, result, celebrities.length + i)}
                          alt={`Unrecognized face ${i + 1}`}
                          width={48}
                          height={48}
                          loading="lazy"
                          className="size-12 rounded-lg bg-slate-100 object-cover ring-1 ring-slate-200 grayscale hover:grayscale-0"
                        />
                      </HighlightOnHover>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ) : null}
        </section>
      </div>
    </FaceHighlightProvider>
  );
}
