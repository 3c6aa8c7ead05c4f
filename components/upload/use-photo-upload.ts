'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { addRecent } from '@/components/recent/recent-store';
import { checkPhoto, PhotoProblem, shrinkToUploadLimit } from './prepare-photo';
import { checkVideo, isVideoFile, type VideoLimits } from './prepare-video';
import { uploadPhoto } from './upload-request';
import { uploadVideo } from './video-request';

export type UploadPhase =
  | { name: 'idle' }
  | { name: 'selected' }
  | { name: 'shrinking' }
  | { name: 'uploading'; progress: number }
  | { name: 'recognizing' }
  | { name: 'done' };

export interface Problem {
  title: string;
  message: string;
  /** The same photo may work if sent again. */
  retriable: boolean;
}

/** Images being fetched ahead of the page that shows them; held so they are not collected before they land. */
const preloaded = new Set<HTMLImageElement>();

function preloadImage(url: string): void {
  const image = new Image();
  preloaded.add(image);
  const release = () => setTimeout(() => preloaded.delete(image), 30_000);
  image.onload = release;
  image.onerror = release;
  image.src = url;
}

function toProblem(error: unknown): Problem {
  if (error instanceof PhotoProblem) return { title: error.title, message: error.message, retriable: error.retriable };
  return { title: 'Something went wrong', message: 'Please try again.', retriable: true };
}

/**
 * The upload flow's state: the chosen photo or video and its preview, the phase, and the last problem. A video
 * is uploaded as it is and its page, with the job's progress, opens once the server has it.
 */
export function usePhotoUpload(videoLimits?: VideoLimits) {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [previewUrl, setPreviewUrl] = useState<string | null>(null);
  const [phase, setPhase] = useState<UploadPhase>({ name: 'idle' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const busy = useRef(false);

  useEffect(() => () => void (previewUrl && URL.revokeObjectURL(previewUrl)), [previewUrl]);

  const reset = useCallback(() => {
    setFile(null);
    setPreviewUrl(null);
    setProblem(null);
    setPhase({ name: 'idle' });
  }, []);

  /** Shrinks (only when over the limit), uploads and opens the result page; a problem leaves the photo chosen for a retry. */
  const send = useCallback(async (chosen: File) => {
    if (busy.current) return;
    busy.current = true;
    setProblem(null);
    try {
      if (videoLimits && isVideoFile(chosen)) {
        setPhase({ name: 'uploading', progress: 0 });
        const video = await uploadVideo(chosen, (progress) => setPhase({ name: 'uploading', progress: Math.min(progress, 0.999) }));
        addRecent({ id: video.id, kind: 'video', names: [], faces: 0, createdAt: new Date().toISOString(), deleteToken: video.deleteToken });
        setPhase({ name: 'done' });
        router.push(`/v/${video.id}`);
        return;
      }
      setPhase({ name: 'shrinking' });
      const upload = await shrinkToUploadLimit(chosen);
      setPhase({ name: 'uploading', progress: 0 });
      const created = await uploadPhoto(upload, (progress) =>
        setPhase(progress >= 1 ? { name: 'recognizing' } : { name: 'uploading', progress }),
      );
      // A photo without a face is never a 201: the server answers 422 no_face and keeps nothing (problemFrom).
      const faces = created.result.CelebrityFaces.length + created.result.UnrecognizedFaces.length;
      addRecent({ id: created.id, names: created.result.CelebrityFaces.map((c) => c.Name), faces, createdAt: new Date().toISOString(), deleteToken: created.deleteToken });
      setPhase({ name: 'done' });
      // The stored photo loads beside the page's navigation instead of after it: the result page's <img> of
      // the same URL is then served from the document's image list without another request.
      preloadImage(`/api/recognitions/${created.id}/image`);
      router.push(`/r/${created.id}`);
    } catch (error) {
      setProblem(toProblem(error));
      setPhase({ name: 'selected' });
    } finally {
      busy.current = false;
    }
  }, [router, videoLimits]);

  /** Sends the chosen photo again (after a problem such as a busy server). */
  const retry = useCallback(() => void (file && send(file)), [file, send]);

  const choose = useCallback((chosen: File | null | undefined) => {
    if (!chosen || busy.current) return;
    try {
      if (videoLimits && isVideoFile(chosen)) checkVideo(chosen, videoLimits);
      else checkPhoto(chosen);
    } catch (error) {
      setProblem(toProblem(error));
      return;
    }
    setProblem(null);
    setFile(chosen);
    setPreviewUrl(URL.createObjectURL(chosen));
    // The upload starts at once: nothing to confirm, and the result page is up sooner.
    void send(chosen);
  }, [send, videoLimits]);

  return { file, previewUrl, phase, problem, choose, reset, retry };
}
