'use client';

import { FaceThumb } from './face-thumb';
import type { PhotoEntry } from './use-photo-set';

const clamp = (value: number) => Math.min(100, Math.max(0, value * 100));

/** One photo of the form: the photo with its faces boxed, the face that will be saved, and what is wrong with it. */
export function PhotoCard({ entry, index, onChoose, onRemove }: { entry: PhotoEntry; index: number; onChoose: (face: number) => void; onRemove: () => void }) {
  const several = entry.faces.length > 1;
  const chosen = entry.chosen === null ? undefined : entry.faces[entry.chosen];
  const label = `Photo ${index + 1}`;
  return (
    <li aria-label={label} data-status={entry.status} className="flex flex-col gap-3 rounded-2xl border border-slate-200 bg-white p-3 shadow-sm">
      <div className="relative self-center">
        {/* eslint-disable-next-line @next/next/no-img-element -- a local object URL */}
        <img src={entry.url} alt={`${label} as chosen`} className="block max-h-56 w-auto max-w-full rounded-xl" />
        {entry.status === 'ready' ? (
          <ul aria-label={`Faces in ${label.toLowerCase()}`} className="absolute inset-0">
            {entry.faces.map((face, i) => {
              const left = clamp(face.box.Left);
              const top = clamp(face.box.Top);
              const style = { left: `${left}%`, top: `${top}%`, width: `${clamp(face.box.Left + face.box.Width) - left}%`, height: `${clamp(face.box.Top + face.box.Height) - top}%` };
              const selected = entry.chosen === i;
              return (
                <li key={i} className="absolute" style={style}>
                  {several ? (
                    <button
                      type="button"
                      aria-pressed={selected}
                      aria-label={`Face ${i + 1} of ${entry.faces.length}`}
                      onClick={() => onChoose(i)}
                      className={`relative size-full rounded-md border-2 ${selected ? 'border-emerald-400 ring-4 ring-emerald-300/70' : 'border-dashed border-white/90 shadow-[0_0_0_1px_rgba(0,0,0,0.4)] hover:border-emerald-300'}`}
                    >
                      <span aria-hidden="true" className={`absolute -left-1 -top-2 rounded px-1 text-[10px] font-bold leading-4 text-white shadow ${selected ? 'bg-emerald-600' : 'bg-slate-800/80'}`}>{i + 1}</span>
                    </button>
                  ) : (
                    <span aria-hidden="true" className="block size-full rounded-md border-2 border-emerald-400" />
                  )}
                </li>
              );
            })}
          </ul>
        ) : null}
      </div>
      <div className="flex items-center gap-3">
        {chosen ? <FaceThumb src={entry.url} box={chosen.box} photo={entry} label={`The face that will be saved from ${label.toLowerCase()}`} size={56} /> : null}
        <p className={`min-w-0 flex-1 text-sm ${entry.status === 'problem' ? 'text-red-700' : 'text-slate-600'}`} role={entry.status === 'problem' ? 'alert' : undefined}>
          {entry.status === 'checking' ? 'Looking for faces…' : entry.status === 'problem' ? entry.problem : several && entry.chosen === null ? `${entry.faces.length} faces: click the one that is this person.` : several ? `Face ${entry.chosen! + 1} of ${entry.faces.length} chosen.` : 'One face found.'}
        </p>
        <button type="button" onClick={onRemove} className="rounded-lg px-2.5 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900">
          Remove<span className="sr-only"> {label.toLowerCase()}</span>
        </button>
      </div>
    </li>
  );
}
