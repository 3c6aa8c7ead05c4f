import { isIP } from 'node:net';
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
  /** Longest a recognition may run once it has a slot: then the slot is freed, its work cancelled, and the client gets 504 `deadline`. */
  RECOGNITION_DEADLINE_MS: z.coerce.number().int().positive().default(10_000),
  /** MiB of request bodies one process admits at once (by their Content-Length): beyond it, 503 busy before reading. */
  RECOGNITION_QUEUE_MB: z.coerce.number().positive().max(100_000).default(64),
  /** Longest an admitted upload's body may take to arrive (it holds a place in the queue meanwhile): then 408 `body_timeout`. */
  BODY_READ_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** Peers (IPs or CIDRs, comma-separated; empty for none) whose X-Forwarded-For names the client: the reverse proxy. */
  TRUSTED_PROXIES: z.string().default('127.0.0.1,::1').refine(
    (spec) => spec.split(',').map((entry) => entry.trim()).filter(Boolean).every((entry) => {
      const [address = '', prefix] = entry.split('/');
      const family = isIP(address);
      return family !== 0 && (prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)));
    }),
    'a comma-separated list of IP addresses or CIDR ranges',
  ),
  /** Recognitions a second one client may start, sustained (token bucket refill); 0 turns the rate limit off. */
  CLIENT_RECOGNITION_RATE: z.coerce.number().min(0).max(10_000).default(2),
  /** Recognitions one client may start in a burst before CLIENT_RECOGNITION_RATE applies. */
  CLIENT_RECOGNITION_BURST: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Recognitions one client may have admitted at once (body arriving, waiting or running); 0 = no limit. */
  CLIENT_MAX_IN_FLIGHT: z.coerce.number().int().min(0).max(10_000).default(4),
  /** Requests a second one client may send to the other API routes (lookups, photos, face crops), sustained; 0 = off. */
  CLIENT_API_RATE: z.coerce.number().min(0).max(100_000).default(20),
  /** Burst of CLIENT_API_RATE (a result page asks for up to 64 face crops at once). */
  CLIENT_API_BURST: z.coerce.number().int().min(1).max(1_000_000).default(200),
  /** `1` serves /api/rekognition without a SigV4 check when no keys are set; default: 1 outside production, 0 in production. */
  REKOGNITION_ALLOW_UNSIGNED: z.enum(['0', '1']).optional(),
  /** `1` lets SIGUSR2 make a face-engine worker thread die (fault drills and tests); never set it in production. */
  ENGINE_FAULT_INJECTION: z.enum(['0', '1']).default('0'),
  /** Minutes between sweeps of photo files without a result and stale temporary files (also run at start). */
  STORE_SWEEP_INTERVAL_MINUTES: z.coerce.number().positive().max(24 * 60).default(60),
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
  /**
   * PostgreSQL for results, delete tokens and (without S3_BUCKET) photos, so several hosts share them
   * (deploy/multi-host.md); unset: SQLite + files under DATA_DIR.
   */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
  /** Connections each process may open (pm2 workers x hosts x this must stay under the server's max_connections). */
  PG_POOL_MAX: z.coerce.number().int().min(1).max(200).default(5),
  /** Longest wait for a connection (a new one, or a free one from a full pool), then the request fails. */
  PG_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** An idle connection is closed after this long. */
  PG_IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** Longest a statement may run on the server (statement_timeout). */
  PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  /** Photos and face crops in this S3 bucket (needs DATABASE_URL); served through the app, never public. */
  S3_BUCKET: z.string().min(3).max(63).optional(),
  /** Prefix of every key the app writes (e.g. `prod/`), so a bucket can be shared. */
  S3_PREFIX: z.string().regex(/^([A-Za-z0-9!_.*'()-]+\/)*$/, 'must be empty or end with /').default(''),
  /** An S3-compatible store instead of AWS (the AWS SDK's own setting). */
  AWS_ENDPOINT_URL_S3: z.string().url().optional(),
  /** `1` for path-style URLs (most S3-compatible stores); AWS takes virtual-hosted style. */
  S3_FORCE_PATH_STYLE: z.enum(['0', '1']).default('0'),
  /** S3 request timeout and attempts (retries included). */
  S3_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  S3_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
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
  if (parsed.data.S3_BUCKET && !parsed.data.DATABASE_URL) {
    throw new Error('Invalid configuration: S3_BUCKET: photos go to a bucket only beside PostgreSQL (set DATABASE_URL)');
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
