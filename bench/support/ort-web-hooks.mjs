/**
 * Node module-resolution hook for the onnxruntime-web peer: every `import 'onnxruntime-node'` resolves to
 * ./ort-web-shim.mjs instead, so the engine's own code (lib/engine/runtime.ts and everything
 * above it) runs unchanged on onnxruntime-web. Registered by peer-ort-web.ts before it loads the engine.
 */
const shimUrl = new URL('./ort-web-shim.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'onnxruntime-node') return { url: shimUrl, shortCircuit: true };
  return nextResolve(specifier, context);
}
