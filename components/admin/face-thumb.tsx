import type { BoundingBox } from '@/lib/contract/rekognition';

/**
 * The face of a local photo (an object URL), cut out with CSS: the photo as a background scaled and moved
 * so the face box, with a margin, fills the square. Nothing is uploaded or re-encoded to show it.
 */
export function FaceThumb({ src, box, photo, size = 72, label }: { src: string; box: BoundingBox; photo: { width: number; height: number }; size?: number; label: string }) {
  const faceWidth = box.Width * photo.width;
  const faceHeight = box.Height * photo.height;
  const side = Math.max(faceWidth, faceHeight) * 1.5;
  const scale = size / Math.max(1, side);
  const centerX = (box.Left + box.Width / 2) * photo.width;
  const centerY = (box.Top + box.Height / 2) * photo.height;
  return (
    <div
      role="img"
      aria-label={label}
      className="shrink-0 rounded-xl bg-slate-200 bg-no-repeat ring-1 ring-slate-300"
      style={{
        width: size,
        height: size,
        backgroundImage: `url("${src}")`,
        backgroundSize: `${photo.width * scale}px ${photo.height * scale}px`,
        backgroundPosition: `${-(centerX - side / 2) * scale}px ${-(centerY - side / 2) * scale}px`,
      }}
    />
  );
}
