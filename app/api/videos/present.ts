import type { VideoView } from '@/lib/use-cases/videos';
import { videoPath } from '@/app/_lib/public-origin';

/**
 * GET /api/videos/{id}'s body: the job's status and progress, the video's facts, and one entry per person
 * with their appearances (celebrities, then unknown persons). Per-frame sightings stay out: they are what
 * GetCelebrityRecognition pages through.
 */
export function videoJson(view: VideoView, origin: string) {
  const api = `${origin}/api/videos/${view.id}`;
  const person = (p: VideoView['celebrities'][number]) => ({
    id: p.id,
    name: p.name,
    urls: p.urls,
    confidence: p.confidence,
    thumbnailUrl: view.status === 'done' ? `${api}/faces/${p.thumbnail}` : null,
    appearances: p.appearances,
  });
  return {
    id: view.id,
    url: `${origin}${videoPath(view.id)}`,
    createdAt: view.createdAt,
    status: view.status,
    ...(view.statusMessage ? { statusMessage: view.statusMessage } : {}),
    progress: view.progress,
    video: { ...view.video, url: `${api}/file`, posterUrl: `${api}/poster` },
    sampleIntervalMs: view.intervalMs,
    celebrities: view.celebrities.map(person),
    unknownPersons: view.unknownPersons.map(person),
  };
}
