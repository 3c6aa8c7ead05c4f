/**
 * Stands in for onnxruntime-node inside the onnxruntime-web peer process (see ort-web-hooks.mjs). Same API
 * surface the engine uses (InferenceSession, Tensor), backed by onnxruntime-web's WASM backend, created the
 * way the vendor's SDK creates its sessions: `executionProviders: ['wasm']`, no thread settings, so
 * `env.wasm.numThreads` keeps onnxruntime-web's default. Plain JS: a resolve hook's target skips tsx.
 */
import * as ortWeb from 'onnxruntime-web';

export const Tensor = ortWeb.Tensor;
export const env = ortWeb.env;

export const InferenceSession = {
  /** The engine passes a file path, which onnxruntime-web reads from disk in Node; its thread options are dropped. */
  create(path, options = {}) {
    return ortWeb.InferenceSession.create(path, { executionProviders: ['wasm'], logSeverityLevel: options.logSeverityLevel ?? 3 });
  },
};
