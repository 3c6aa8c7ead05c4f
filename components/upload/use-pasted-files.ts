'use client';

import { useEffect } from 'react';

/** The files a paste or drop carries: `files`, else the file items (some browsers fill only those on paste). */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  const files = [...data.files];
  return files.length ? files : [...data.items].filter((item) => item.kind === 'file').map((item) => item.getAsFile()).filter((f): f is File => f !== null);
}

/**
 * Files pasted anywhere on the page go to `onFiles`; a file dropped beside the drop zone is swallowed, so
 * the browser does not navigate away to it.
 */
export function usePastedFiles(onFiles: (files: File[]) => void): void {
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const pasted = filesOf(event.clipboardData);
      if (pasted.length === 0) return;
      event.preventDefault();
      onFiles(pasted);
    };
    const swallow = (event: Event) => event.preventDefault();
    window.addEventListener('paste', onPaste);
    window.addEventListener('dragover', swallow);
    window.addEventListener('drop', swallow);
    return () => {
      window.removeEventListener('paste', onPaste);
      window.removeEventListener('dragover', swallow);
      window.removeEventListener('drop', swallow);
    };
  }, [onFiles]);
}
