'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { BoundingBox } from '@/lib/contract/rekognition';
import { adminFetch, errorMessage } from './admin-api';
import { photoForUpload } from './shrink-photo';

export const MAX_PHOTOS = 20;

export interface PhotoEntry {
  key: string;
  /** What will be sent (shrunk, upright). */
  upload: File;
  /** Object URL of `upload`, for the preview. */
  url: string;
  status: 'checking' | 'ready' | 'problem';
  width: number;
  height: number;
  faces: Array<{ box: BoundingBox; confidence: number }>;
  /** The face the person is, 0-based (largest first), or null while undecided. */
  chosen: number | null;
  problem?: string;
}

const IMAGE_TYPES = /^image\/(jpeg|png|webp|avif|gif)$/;

/** The photos of an "add a person" form: each is shrunk, sent to /api/admin/faces, and its face chosen. */
export function usePhotoSet() {
  const [entries, setEntries] = useState<PhotoEntry[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const count = useRef(0);
  const urls = useRef<string[]>([]);

  useEffect(() => () => urls.current.forEach((url) => URL.revokeObjectURL(url)), []);

  const update = useCallback((key: string, change: Partial<PhotoEntry>) => {
    setEntries((list) => list.map((entry) => (entry.key === key ? { ...entry, ...change } : entry)));
  }, []);

  const check = useCallback(async (key: string, upload: File) => {
    const form = new FormData();
    form.append('photo', upload);
    try {
      const found = await adminFetch<{ width: number; height: number; faces: PhotoEntry['faces'] }>('/api/admin/faces', { method: 'POST', body: form });
      const faces = found.faces;
      update(key, {
        status: faces.length === 0 ? 'problem' : 'ready',
        width: found.width,
        height: found.height,
        faces,
        chosen: faces.length === 1 ? 0 : null,
        problem: faces.length === 0 ? 'No face was found in this photo. Remove it, or choose another photo.' : undefined,
      });
    } catch (error) {
      update(key, { status: 'problem', problem: errorMessage(error) });
    }
  }, [update]);

  const add = useCallback((files: readonly File[]) => {
    const images = files.filter((file) => IMAGE_TYPES.test(file.type) || file.type === '');
    const room = MAX_PHOTOS - count.current;
    const taken = images.slice(0, Math.max(0, room));
    setNotice(images.length < files.length ? 'Only photos (JPEG, PNG, WebP, AVIF, GIF) can be added.' : taken.length < images.length ? `At most ${MAX_PHOTOS} photos: ${images.length - taken.length} left out.` : null);
    count.current += taken.length;
    for (const file of taken) {
      const key = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
      void photoForUpload(file).then((upload) => {
        const url = URL.createObjectURL(upload);
        urls.current.push(url);
        setEntries((list) => [...list, { key, upload, url, status: 'checking', width: 0, height: 0, faces: [], chosen: null }]);
        return check(key, upload);
      });
    }
  }, [check]);

  const remove = useCallback((key: string) => {
    count.current -= 1;
    setEntries((list) => list.filter((entry) => entry.key !== key));
  }, []);

  const choose = useCallback((key: string, face: number) => update(key, { chosen: face }), [update]);

  const clear = useCallback(() => {
    count.current = 0;
    setEntries([]);
  }, []);

  const ready = entries.length > 0 && entries.every((entry) => entry.status === 'ready' && entry.chosen !== null);
  return { entries, notice, add, remove, choose, clear, ready };
}
