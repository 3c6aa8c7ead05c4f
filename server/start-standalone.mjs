#!/usr/bin/env node
// pm2's `script` (and `npm start`): serves the standalone release in build/current.
//
// Why not the release's own server.js: it listens before the app is prepared, so under pm2 cluster mode a
// fresh worker receives connections while it is still loading models (requests stall for seconds during a
// reload), and it exits right after draining, before its last log lines reach pm2. Here the worker:
//   1. prepares Next (this runs instrumentation.ts, which loads models + gallery), then listens, then
//      sends pm2 'ready' (wait_ready), so traffic only reaches warm workers;
//   2. on SIGINT/SIGTERM stops accepting, lets in-flight requests (recognitions) finish, runs the close
//      hooks of lib/shutdown.ts (e.g. the SQLite store), logs, then exits.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const current = join(root, 'build', 'current');

function fail(message) {
  console.error(`start-standalone: ${message}`);
  process.exit(1);
}

if (!existsSync(join(current, 'server.js'))) fail('build/current is missing; run `npm run build` first');

process.env.NODE_ENV = 'production';
process.env.HOSTNAME ??= '127.0.0.1';
// Absolute paths: the server runs inside its release directory, and data must outlive releases.
process.env.DATA_DIR = resolve(root, process.env.DATA_DIR ?? 'data');
process.env.MODEL_DIR = resolve(root, process.env.MODEL_DIR ?? 'models');
if (process.env.GALLERY_PATH) process.env.GALLERY_PATH = resolve(root, process.env.GALLERY_PATH);
if (process.env.GALLERY_OPT_OUT) process.env.GALLERY_OPT_OUT = resolve(root, process.env.GALLERY_OPT_OUT);
// Unset, the pack is the release's own copy (build-standalone.mjs); a path given is taken from the checkout.
if (process.env.CELEBRITY_PACK && process.env.CELEBRITY_PACK !== 'off') process.env.CELEBRITY_PACK = resolve(root, process.env.CELEBRITY_PACK);
if (process.env.RECOGNIZER !== 'rekognition' && !existsSync(join(process.env.MODEL_DIR, 'fr_detect.onnx'))) {
  fail(`no models in ${process.env.MODEL_DIR}; run \`npm run setup:models\``);
}

// Resolved once: this worker keeps serving its own release even after build/current moves on.
const release = realpathSync(current);
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME;
process.chdir(release);
const { config } = JSON.parse(readFileSync(join(release, '.next', 'required-server-files.json'), 'utf8'));
// What the generated server.js does: tells Next this is a standalone build with this exact config.
process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
const next = createRequire(join(release, 'server.js'))('next');

const app = next({ dir: release, dev: false, hostname, port, conf: config });
const started = Date.now();
await app.prepare();
await warmUpDone();
const handle = app.getRequestHandler();
let stopping = false;
/** Requests in flight and answered per open connection, so a drain can tell an idle keep-alive from one whose request is still to be read. */
const connections = new Map();
const server = createServer((req, res) => {
  const state = connections.get(req.socket);
  if (state) {
    state.inFlight += 1;
    res.once('close', () => {
      state.inFlight -= 1;
      state.answered += 1;
    });
  }
  // While draining, keep-alive clients are told to reconnect (to another worker) after this answer.
  if (stopping) res.setHeader('connection', 'close');
  handle(req, res);
});
server.keepAliveTimeout = Number(process.env.KEEP_ALIVE_TIMEOUT ?? 65_000);
server.on('connection', (socket) => {
  connections.set(socket, { inFlight: 0, answered: 0, since: Date.now() });
  socket.once('close', () => connections.delete(socket));
});

server.listen(port, hostname, () => {
  console.log(`start-standalone: pid ${process.pid} release ${release.split('/').pop()} ready on ${hostname}:${port} in ${Date.now() - started} ms`);
  process.send?.('ready');
});

/** Waits for instrumentation-node.ts's model/gallery warm-up, which Next may still be running after prepare(). */
async function warmUpDone() {
  const key = Symbol.for('celebrity-finder.warm-up');
  for (let waited = 0; !globalThis[key] && waited < 5000; waited += 50) await new Promise((done) => setTimeout(done, 50));
  await globalThis[key];
}

/** A connection that was accepted but sent no request within this long is dropped by a drain. */
const DRAIN_UNREAD_MS = 10_000;

/**
 * Stops accepting and resolves once every connection has ended. Not http.Server#close(): since Node 19 it
 * also drops every connection without a request in progress at once, which includes connections already
 * handed to this worker whose request it has not parsed yet (a busy event loop reads them late): nginx
 * answered those 502. Here only keep-alive connections idle after an answer are closed at once; one that
 * never sent a request gets DRAIN_UNREAD_MS.
 */
function drain() {
  return new Promise((done) => {
    net.Server.prototype.close.call(server, () => {
      clearInterval(sweeper);
      done();
    });
    const sweep = () => {
      for (const [socket, state] of connections) {
        const idleAfterAnswer = state.inFlight === 0 && state.answered > 0;
        const neverSpoke = state.inFlight === 0 && state.answered === 0 && Date.now() - state.since > DRAIN_UNREAD_MS;
        if (idleAfterAnswer || neverSpoke) socket.destroy();
      }
    };
    const sweeper = setInterval(sweep, 100);
    sweep();
  });
}

/** Drain, close resources, exit: the order that lets a recognition in flight finish and the DB close last. */
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`shutdown: pid ${process.pid} got ${signal}, finishing in-flight requests`);
  await drain();
  await app.close().catch((error) => console.error('shutdown: next close failed', error));
  // lib/shutdown.ts keeps its registry on globalThis under this symbol so code outside the bundle can run it.
  const registry = globalThis[Symbol.for('celebrity-finder.shutdown')];
  const closed = registry?.run ? registry.run(signal) : [];
  console.log(`shutdown: pid ${process.pid} exit after ${signal}, closed [${closed.join(', ')}]`);
  // pm2 ships worker output over IPC; a short grace lets the last lines arrive before the process ends.
  setTimeout(() => process.exit(0), 200);
}
// `on`, not `once`: signal-exit (under proper-lockfile, the gallery's lock) re-raises a signal to kill the
// process when its own listeners are the only ones left, and a `once` listener is gone before it looks.
// That killed a draining worker at once, dropping its in-flight requests (nginx 502s during pm2 reload).
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
