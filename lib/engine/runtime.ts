/**
 * Run stage plumbing: the only module of the engine that imports onnxruntime-node. Each model module
 * (nets/*.ts) loads one session through `loadModel` and runs it through `runModel`, which checks the
 * feed against the session's declared inputs and returns the requested outputs by name.
 */
import * as ort from 'onnxruntime-node';

/** A float32 tensor as plain data: `data.length` is the product of `dims`. */
export interface FloatTensor {
  data: Float32Array;
  dims: readonly number[];
}

export interface LoadedModel {
  /** File name, for error messages. */
  name: string;
  session: ort.InferenceSession;
}

export interface SessionSettings {
  /** Threads one inference may use (ONNX Runtime intra-op pool). */
  intraOpThreads: number;
}

/**
 * Loads an ONNX model once per engine. Rejects with a message naming the file when it is missing or invalid.
 */
export async function loadModel(path: string, settings: SessionSettings): Promise<LoadedModel> {
  try {
    const session = await ort.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: settings.intraOpThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      // The vendor's age/gender graphs list their weights as inputs: ORT warns once per weight otherwise.
      logSeverityLevel: 3,
      // Pool threads that spin between kernels burn a core another request (or helper process) could use.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    return { name: path, session };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not load face model ${path}: ${reason}. Run \`npm run setup:models\`.`, { cause: error });
  }
}

/** Fails at load time, not on the first photo, when a model file is not the net the engine expects. */
export function assertModelIO(model: LoadedModel, inputs: readonly string[], outputs: readonly string[]): void {
  for (const name of inputs) {
    if (!model.session.inputNames.includes(name)) throw new Error(`${model.name}: no input named "${name}" (has ${model.session.inputNames.join(', ')})`);
  }
  for (const name of outputs) {
    if (!model.session.outputNames.includes(name)) throw new Error(`${model.name}: no output named "${name}" (has ${model.session.outputNames.join(', ')})`);
  }
}

/** Runs one inference and returns the named float32 outputs. Safe to call concurrently on one session. */
export async function runModel<K extends string>(
  model: LoadedModel,
  feeds: Record<string, FloatTensor>,
  outputs: readonly K[],
): Promise<Record<K, Float32Array>> {
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [name, tensor] of Object.entries(feeds)) {
    if (!model.session.inputNames.includes(name)) throw new Error(`${model.name}: no input named "${name}"`);
    ortFeeds[name] = new ort.Tensor('float32', tensor.data, tensor.dims);
  }
  const result = await model.session.run(ortFeeds, [...outputs]);
  const out = {} as Record<K, Float32Array>;
  for (const name of outputs) {
    const tensor = result[name];
    if (!tensor || !(tensor.data instanceof Float32Array)) throw new Error(`${model.name}: output "${name}" missing or not float32`);
    out[name] = tensor.data;
  }
  return out;
}

/** Releases a session's native memory. */
export async function releaseModel(model: LoadedModel): Promise<void> {
  await model.session.release();
}

/** A net with one float32 input `input` and one output `output`, the shape most faceplugin nets share. */
export interface SingleTensorModel {
  model: LoadedModel;
  /** Runs one NCHW tensor of `dims` and returns the `output` tensor's data. */
  predict(input: Float32Array): Promise<Float32Array>;
}

/** Loads a single-input/single-output net, checking its names at load time, fed tensors of `dims`. */
export async function loadSingleTensorModel(path: string, settings: SessionSettings, dims: readonly number[]): Promise<SingleTensorModel> {
  const model = await loadModel(path, settings);
  assertModelIO(model, ['input'], ['output']);
  return {
    model,
    async predict(input) {
      return (await runModel(model, { input: { data: input, dims: [...dims] } }, ['output'])).output;
    },
  };
}
