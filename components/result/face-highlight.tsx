'use client';

import { createContext, useContext, useState, type ReactNode } from 'react';
import type { BoundingBox } from '@/lib/contract/rekognition';

const HighlightContext = createContext<{ active: number | null; setActive: (index: number | null) => void }>({
  active: null,
  setActive: () => undefined,
});

/** Shares which face is pointed at between the cards and the boxes drawn on the photo. */
export function FaceHighlightProvider({ children }: { children: ReactNode }) {
  const [active, setActive] = useState<number | null>(null);
  return <HighlightContext.Provider value={{ active, setActive }}>{children}</HighlightContext.Provider>;
}

/** Highlights face `index` on the photo while the pointer is over, or keyboard focus is inside, its children. */
export function HighlightOnHover({ index, className, children }: { index: number; className?: string; children: ReactNode }) {
  const { setActive } = useContext(HighlightContext);
  return (
    <div
      className={className}
      onMouseEnter={() => setActive(index)}
      onMouseLeave={() => setActive(null)}
      onFocus={() => setActive(index)}
      onBlur={() => setActive(null)}
    >
      {children}
    </div>
  );
}

export interface DrawnFace {
  index: number;
  box: BoundingBox;
  /** null for an unrecognized face. */
  name: string | null;
  label: string;
}

const clamp = (value: number) => Math.min(100, Math.max(0, value * 100));

/** Face boxes laid over the photo, in percent of its size so they follow any responsive scaling. */
export function FaceBoxes({ faces }: { faces: DrawnFace[] }) {
  const { active, setActive } = useContext(HighlightContext);
  return (
    <ul aria-label="Faces in the photo" className="pointer-events-none absolute inset-0">
      {faces.map((face) => {
        const left = clamp(face.box.Left);
        const top = clamp(face.box.Top);
        const highlighted = active === face.index;
        const dimmed = active !== null && !highlighted;
        return (
          <li
            key={face.index}
            aria-label={face.label}
            data-highlighted={highlighted}
            data-recognized={face.name !== null}
            onMouseEnter={() => setActive(face.index)}
            onMouseLeave={() => setActive(null)}
            style={{ left: `${left}%`, top: `${top}%`, width: `${clamp(face.box.Left + face.box.Width) - left}%`, height: `${clamp(face.box.Top + face.box.Height) - top}%` }}
            className={`pointer-events-auto absolute rounded-md transition duration-150 ${
              face.name
                ? 'border-2 border-brand-500 shadow-[0_0_0_1px_rgba(255,255,255,0.7)]'
                : 'border-2 border-dashed border-white/90 shadow-[0_0_0_1px_rgba(0,0,0,0.35)]'
            } ${highlighted ? 'z-10 scale-105 border-amber-400 ring-4 ring-amber-300/70' : ''} ${dimmed ? 'opacity-40' : ''}`}
          >
            {face.name ? (
              <span
                aria-hidden="true"
                className={`absolute bottom-full left-1/2 mb-1 max-w-[12rem] -translate-x-1/2 truncate whitespace-nowrap rounded-md px-1.5 py-0.5 text-[11px] font-semibold leading-tight text-white shadow sm:text-xs ${
                  highlighted ? 'bg-amber-500' : 'bg-brand-600'
                }`}
              >
                {face.name}
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
