import 'server-only';
import { getVideoStore } from '../store';
import type { VideoJobsPort } from '../rekognition-endpoint/video';
import { getVideo } from './videos';

/**
 * StartCelebrityRecognition / GetCelebrityRecognition over our video jobs: a Rekognition job names an
 * uploaded video's analysis (started by the upload), read through getVideo so opted-out people stay unnamed.
 */
export const videoJobsPort: VideoJobsPort = {
  async start({ videoId, clientRequestToken, jobTag }) {
    const store = getVideoStore();
    if (!(await store.get(videoId))) return null;
    const { job } = await store.createRecognitionJob({ videoId, clientRequestToken, jobTag });
    return { jobId: job.jobId, videoId: job.videoId };
  },
  async get(jobId) {
    const job = await getVideoStore().getRecognitionJob(jobId);
    const view = job ? await getVideo(job.videoId) : null;
    if (!job || !view) return null;
    return {
      jobId: job.jobId,
      jobTag: job.jobTag,
      videoId: job.videoId,
      status: view.status,
      statusMessage: view.statusMessage,
      metadata: view.video,
      persons: view.persons,
    };
  },
};
