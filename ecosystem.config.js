// pm2 process file: `pm2 start ecosystem.config.js` (first start), `pm2 reload ecosystem.config.js`
// (zero-downtime update). Values come from the environment of the pm2 command, with production defaults;
// see deploy/README.md. ESM because package.json says "type": "module" (pm2 loads it with require(),
// which needs Node >= 20.19 for ES modules; the named export `apps` is what pm2 reads).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const dataDir = resolve(root, env.DATA_DIR ?? 'data');
const logDir = resolve(root, env.LOG_DIR ?? 'logs');
const instances = Number(env.WEB_CONCURRENCY ?? 2);
const multiHostSettings = [
  'DATABASE_URL', 'PG_POOL_MAX', 'PG_CONNECT_TIMEOUT_MS', 'PG_IDLE_TIMEOUT_MS', 'PG_STATEMENT_TIMEOUT_MS',
  'S3_BUCKET', 'S3_PREFIX', 'AWS_ENDPOINT_URL_S3', 'S3_FORCE_PATH_STYLE', 'S3_TIMEOUT_MS', 'S3_MAX_ATTEMPTS',
];
// Limits, deadlines and access (docs/hardening.md): passed on when set, so every worker runs with the same.
const robustnessSettings = [
  'RECOGNITION_CONCURRENCY', 'RECOGNITION_QUEUE_DEPTH', 'RECOGNITION_TIMEOUT_MS', 'RECOGNITION_DEADLINE_MS', 'BODY_READ_TIMEOUT_MS',
  'TRUSTED_PROXIES', 'CLIENT_RECOGNITION_RATE', 'CLIENT_RECOGNITION_BURST', 'CLIENT_MAX_IN_FLIGHT', 'CLIENT_API_RATE', 'CLIENT_API_BURST',
  'REKOGNITION_ACCESS_KEY_ID', 'REKOGNITION_SECRET_ACCESS_KEY', 'REKOGNITION_ALLOW_UNSIGNED', 'ENGINE_FAULT_INJECTION', 'STORE_SWEEP_INTERVAL_MINUTES',
];

export const apps = [
  {
    name: env.PM2_APP_NAME ?? 'celebrity-finder',
    cwd: root,
    // A Node file, not `npm start`: pm2 then signals the server itself, and cluster mode works.
    script: 'server/start-standalone.mjs',
    // A small young generation: photos' pixel buffers die young, and a 16 MB semi-space let them pile up
    // (~15 MB less peak RSS, no speed cost measured; docs/engine.md "Memory").
    node_args: ['--max-semi-space-size=2'],
    // Cluster mode: workers share the port through the pm2 primary, so `pm2 reload` replaces them one at a
    // time while the others keep serving. Two workers on the 2-core target: recognition is CPU-bound
    // (ONNX Runtime), each worker holds its own models + gallery (~0.3 GB RSS measured, see
    // deploy/README.md "Sizing"), and the SQLite store is one file shared by all workers.
    exec_mode: 'cluster',
    instances,
    env: {
      NODE_ENV: 'production',
      PORT: env.PORT ?? '3000',
      // Fixed, not inherited: shells export HOSTNAME as the machine name, and only nginx may reach the app.
      HOSTNAME: '127.0.0.1',
      RECOGNIZER: env.RECOGNIZER ?? 'local',
      // One face-net thread per worker when several workers share the cores: measured with bench:web's load
      // part (2 workers, 2 cores), 35-42 uploads/s either way, and 345-410 MB peak RSS a worker against 395-475.
      ENGINE_WORKERS: env.ENGINE_WORKERS ?? (instances >= 2 ? '1' : '2'),
      DATA_DIR: dataDir,
      MODEL_DIR: resolve(root, env.MODEL_DIR ?? 'models'),
      ...(env.GALLERY_PATH ? { GALLERY_PATH: resolve(root, env.GALLERY_PATH) } : {}),
      ...(env.GALLERY_OPT_OUT ? { GALLERY_OPT_OUT: resolve(root, env.GALLERY_OPT_OUT) } : {}),
      ...(env.CELEBRITY_PACK ? { CELEBRITY_PACK: env.CELEBRITY_PACK === 'off' ? 'off' : resolve(root, env.CELEBRITY_PACK) } : {}),
      ...(env.AWS_REGION ? { AWS_REGION: env.AWS_REGION } : {}),
      // The admin area (docs/admin.md) exists only with a token; every worker must have the same one.
      ...(env.ADMIN_TOKEN ? { ADMIN_TOKEN: env.ADMIN_TOKEN } : {}),
      // Many hosts (deploy/multi-host.md): the shared PostgreSQL and bucket, the same on every host and worker.
      ...Object.fromEntries(multiHostSettings.filter((name) => env[name] !== undefined).map((name) => [name, env[name]])),
      ...Object.fromEntries(robustnessSettings.filter((name) => env[name] !== undefined).map((name) => [name, env[name]])),
      NEXT_TELEMETRY_DISABLED: '1',
      // glibc gives every thread (face-net workers, libuv, libvips) its own malloc arena; two keep the
      // resident set lower with no speed cost measured. Blocks of 2 MB and more (decoded photos, detector
      // windows) are mmapped and returned on free; smaller ones (ONNX Runtime's activations, see
      // enableMemPattern in lib/engine/runtime.ts) stay in the heap, which is trimmed only past 16 MB free
      // at its top, so they reuse pages instead of faulting them in anew (docs/engine.md "Memory": ~4,000
      // → ~200 page faults and ~9 ms less CPU a photo; with them the benchmark's peak ran 379-421 MB).
      MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? '2',
      MALLOC_MMAP_THRESHOLD_: env.MALLOC_MMAP_THRESHOLD_ ?? '2097152',
      MALLOC_TRIM_THRESHOLD_: env.MALLOC_TRIM_THRESHOLD_ ?? '16777216',
    },
    out_file: join(logDir, 'app-out.log'),
    error_file: join(logDir, 'app-error.log'),
    merge_logs: true,
    log_date_format: 'YYYY-MM-DDTHH:mm:ss.SSSZ',
    // Restart a worker whose memory grows past ~2.5x its measured steady state (leak guard, not a limit
    // hit in normal use).
    max_memory_restart: env.MAX_MEMORY_RESTART ?? '800M',
    // pm2 sends SIGINT, then SIGKILL after kill_timeout: long enough for an in-flight recognition to
    // finish (RECOGNITION_TIMEOUT_MS, 30 s) plus the upload still arriving through nginx.
    kill_signal: 'SIGINT',
    kill_timeout: 40_000,
    // server/start-standalone.mjs sends 'ready' after the warm-up has loaded models and gallery; reload waits for it.
    wait_ready: true,
    listen_timeout: 120_000,
    min_uptime: '20s',
    max_restarts: 10,
    exp_backoff_restart_delay: 200,
  },
];

const config = { apps };
export default config;
