import { resolve } from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOSTNAME: z.string().default('127.0.0.1'),
  RECOGNIZER: z.enum(['local', 'rekognition']).default('local'),
  DATA_DIR: z.string().default('./data'),
  GALLERY_PATH: z.string().optional(),
  MODEL_DIR: z.string().default('./models'),
  /** The shipped celebrity pack (folder with pack.json), or `off` to know only the operator's gallery. */
  CELEBRITY_PACK: z.string().min(1).default('./packs/celebrities'),
  /** Names or ids (one a line) never to be named; missing file = nobody opted out. */
  GALLERY_OPT_OUT: z.string().optional(),
  /** Score a face must reach to be named: best person's cosine minus 0.25 x the runner-up's (docs/gallery.md). */
  MATCH_THRESHOLD: z.coerce.number().min(-1).max(1).optional(),
  AWS_REGION: z.string().optional(),
  AWS_ENDPOINT_URL_REKOGNITION: z.string().url().optional(),
  REKOGNITION_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  REKOGNITION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  REKOGNITION_ACCESS_KEY_ID: z.string().optional(),
  REKOGNITION_SECRET_ACCESS_KEY: z.string().optional(),
  RECOGNITION_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  /** Worker threads the face nets run in, per process (default 2: this box's cores). */
  ENGINE_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  RECOGNITION_QUEUE_DEPTH: z.coerce.number().int().min(0).max(10_000).default(16),
  RECOGNITION_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  RESULT_TTL_DAYS: z.coerce.number().positive().optional(),
  /** Turns the admin area on (/admin, /api/admin; docs/admin.md): its sign-in token and API bearer token. Unset: both answer 404. */
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters (e.g. openssl rand -hex 24)').optional(),
  /** Largest video upload, MB (MiB); docs/video.md. */
  VIDEO_MAX_MB: z.coerce.number().positive().max(10_000).default(200),
  /** Longest video accepted, seconds. */
  VIDEO_MAX_SECONDS: z.coerce.number().positive().max(24 * 3600).default(600),
  /** Frames looked at per second of video (default 2: a 1 s appearance is in at least 2 samples; docs/video.md). */
  VIDEO_SAMPLE_FPS: z.coerce.number().min(0.1).max(30).default(2),
  /** Video jobs one process runs at once (pm2 runs one process per worker). */
  VIDEO_JOBS: z.coerce.number().int().min(1).max(8).default(1),
  /** ffmpeg and ffprobe to run (Debian's, from PATH, by default). */
  FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
  FFPROBE_PATH: z.string().min(1).default('ffprobe'),
});

export type AppConfig = Omit<z.infer<typeof envSchema>, 'GALLERY_PATH' | 'CELEBRITY_PACK' | 'GALLERY_OPT_OUT'> & {
  GALLERY_PATH: string;
  /** Absolute path, or null when CELEBRITY_PACK=off. */
  CELEBRITY_PACK: string | null;
  GALLERY_OPT_OUT: string;
};

let cached: AppConfig | undefined;

/** Reads and validates the environment once; a bad value stops start-up with a message naming it. */
export function getConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  if (cached && env === process.env) return cached;
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  // turbopackIgnore: these are run-time paths; without it Next traces the whole project into standalone builds.
  const dataDir = resolve(/*turbopackIgnore: true*/ parsed.data.DATA_DIR);
  const config: AppConfig = {
    ...parsed.data,
    DATA_DIR: dataDir,
    MODEL_DIR: resolve(/*turbopackIgnore: true*/ parsed.data.MODEL_DIR),
    GALLERY_PATH: resolve(/*turbopackIgnore: true*/ parsed.data.GALLERY_PATH ?? resolve(/*turbopackIgnore: true*/ dataDir, 'gallery')),
    CELEBRITY_PACK: parsed.data.CELEBRITY_PACK === 'off' ? null : resolve(/*turbopackIgnore: true*/ parsed.data.CELEBRITY_PACK),
    GALLERY_OPT_OUT: resolve(/*turbopackIgnore: true*/ parsed.data.GALLERY_OPT_OUT ?? resolve(/*turbopackIgnore: true*/ dataDir, 'opt-out.txt')),
  };
  if (env === process.env) cached = config;
  return config;
}
