/**
 * Exact, load-time rewrites of the vendor's ONNX graphs (the files on disk stay as the npm package ships
 * them). protobufjs drops fields a schema does not declare, so the model is not decoded and re-encoded
 * whole: its bytes are walked field by field, unchanged fields are copied as they are, and only the
 * nodes a rewrite replaces are encoded anew (with the few NodeProto fields declared below).
 */
import protobuf from 'protobufjs';

/** The subset of onnx.proto (field numbers as in onnx/onnx.proto) the rewrite reads or writes. */
const onnxSchema = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
          },
        },
        TypeProto: {
          fields: { tensorType: { type: 'TypeTensor', id: 1 } },
        },
        TypeTensor: {
          fields: {
            elemType: { type: 'int32', id: 1 },
            shape: { type: 'TensorShapeProto', id: 2 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
        },
        Dimension: {
          oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
          fields: {
            dimValue: { type: 'int64', id: 1 },
            dimParam: { type: 'string', id: 2 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            floatData: { rule: 'repeated', type: 'float', id: 4, options: { packed: true } },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
      },
    },
  },
});
const NodeType = onnxSchema.lookupType('onnx.NodeProto');
const TensorType = onnxSchema.lookupType('onnx.TensorProto');
const ValueInfoType = onnxSchema.lookupType('onnx.ValueInfoProto');

/** ModelProto.graph and GraphProto's node, initializer, input, output and value_info field numbers. */
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const GRAPH_VALUE_INFO = 13;
const LENGTH_DELIMITED = 2;

interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType?: string;
}
interface TensorProto {
  dims?: Array<number | { toNumber(): number }>;
  name?: string;
  dataType?: number;
  floatData?: number[];
  rawData?: Uint8Array;
}

interface Field {
  id: number;
  /** The whole field, tag included, to copy unchanged. */
  raw: Uint8Array;
  /** A length-delimited field's payload. */
  payload?: Uint8Array;
}

/** Splits a message into its top-level fields without decoding them. */
function fieldsOf(bytes: Uint8Array): Field[] {
  const reader = protobuf.Reader.create(bytes);
  const fields: Field[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const wire = tag & 7;
    let payload: Uint8Array | undefined;
    if (wire === LENGTH_DELIMITED) {
      const length = reader.uint32();
      payload = bytes.subarray(reader.pos, reader.pos + length);
      reader.skip(length);
    } else {
      reader.skipType(wire);
    }
    fields.push({ id: tag >>> 3, raw: bytes.subarray(start, reader.pos), ...(payload ? { payload } : {}) });
  }
  return fields;
}

function lengthDelimited(id: number, payload: Uint8Array): Uint8Array {
  return protobuf.Writer.create().uint32((id << 3) | LENGTH_DELIMITED).bytes(payload).finish();
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const FLOAT = 1;

/** An initializer's float32 values, or null when it is not a float tensor. */
function floatValues(tensor: TensorProto): Float32Array | null {
  if (tensor.dataType !== FLOAT) return null;
  if (tensor.rawData && tensor.rawData.length > 0) {
    const copy = tensor.rawData.slice();
    return new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
  }
  return Float32Array.from(tensor.floatData ?? []);
}

/**
 * Rewrites PRelu(x, slope) as Relu(x)·(1 − slope) + slope·x, which equals it for every slope (for x > 0:
 * x − slope·x + slope·x; for x < 0: slope·x), up to float rounding (≤ 3e-7 on the 512-d output).
 * ONNX Runtime's CPU PRelu broadcasts its per-channel slope slowly: it was 5.9 of the embedding net's
 * 10.3 ms. Relu, Mul and Add also stay in the blocked memory layout the convolutions use, where an earlier
 * Max(x, slope·x) form made ONNX Runtime reorder around every layer: 10.3 → 6.0 ms, against 7.0 for Max.
 * @returns the rewritten model bytes and how many PRelu nodes were rewritten.
 */
export function rewritePrelu(modelBytes: Uint8Array): { bytes: Uint8Array; rewritten: number } {
  const modelFields = fieldsOf(modelBytes);
  const graphField = modelFields.find((f) => f.id === MODEL_GRAPH);
  if (!graphField?.payload) return { bytes: modelBytes, rewritten: 0 };
  const graphFields = fieldsOf(graphField.payload);
  const slopes = new Map<string, TensorProto>();
  for (const f of graphFields) {
    if (f.id !== GRAPH_INITIALIZER || !f.payload) continue;
    const tensor = TensorType.decode(f.payload) as unknown as TensorProto;
    if (tensor.name) slopes.set(tensor.name, tensor);
  }
  const encodeNode = (n: NodeProto) => lengthDelimited(GRAPH_NODE, NodeType.encode(NodeType.fromObject(n)).finish());
  const added = new Map<string, Uint8Array>(); // new initializers: slope name → encoded (1 − slope)
  let rewritten = 0;
  const graphParts = graphFields.map((f) => {
    if (f.id !== GRAPH_NODE || !f.payload) return f.raw;
    const node = NodeType.decode(f.payload) as unknown as NodeProto;
    const [x, slopeName] = node.input;
    const out = node.output[0];
    const slope = node.opType === 'PRelu' && slopeName !== undefined ? slopes.get(slopeName) : undefined;
    const values = slope ? floatValues(slope) : null;
    if (!slope || !values || x === undefined || out === undefined) return f.raw;
    const oneMinusName = `${slopeName}__one_minus`;
    if (!added.has(slopeName!)) {
      const oneMinus = Float32Array.from(values, (v) => 1 - v);
      const tensor = { name: oneMinusName, dims: (slope.dims ?? []).map((d) => (typeof d === 'number' ? d : d.toNumber())), dataType: FLOAT, rawData: new Uint8Array(oneMinus.buffer) };
      added.set(slopeName!, lengthDelimited(GRAPH_INITIALIZER, TensorType.encode(TensorType.fromObject(tensor)).finish()));
    }
    rewritten++;
    const name = node.name || out;
    // Nodes in topological order, as ONNX wants them.
    return concat([
      encodeNode({ input: [x], output: [`${out}__relu`], name: `${name}__relu`, opType: 'Relu' }),
      encodeNode({ input: [`${out}__relu`, oneMinusName], output: [`${out}__kept`], name: `${name}__kept`, opType: 'Mul' }),
      encodeNode({ input: [x, slopeName!], output: [`${out}__sloped`], name: `${name}__sloped`, opType: 'Mul' }),
      encodeNode({ input: [`${out}__kept`, `${out}__sloped`], output: [out], name: `${name}__sum`, opType: 'Add' }),
    ]);
  });
  const graph = lengthDelimited(MODEL_GRAPH, concat([...graphParts, ...added.values()]));
  return { bytes: concat(modelFields.map((f) => (f === graphField ? graph : f.raw))), rewritten };
}

/** How many nodes of each op type a model's graph has (for checks and diagnostics). */
export function opTypeCounts(modelBytes: Uint8Array): Record<string, number> {
  const graph = fieldsOf(modelBytes).find((f) => f.id === MODEL_GRAPH)?.payload;
  const counts: Record<string, number> = {};
  for (const f of graph ? fieldsOf(graph) : []) {
    if (f.id !== GRAPH_NODE || !f.payload) continue;
    const op = (NodeType.decode(f.payload) as unknown as NodeProto).opType ?? '';
    counts[op] = (counts[op] ?? 0) + 1;
  }
  return counts;
}

/** An encoded float32 ValueInfoProto with `dims` (numbers fixed, strings free). */
function floatValueInfo(id: number, name: string, dims: ReadonlyArray<number | string>): Uint8Array {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  const info = { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
  return lengthDelimited(id, ValueInfoType.encode(ValueInfoType.fromObject(info)).finish());
}

/**
 * Lets the detector (fr_detect.onnx) take an input of any height and width. Its convolutions and head
 * reshapes work at any size, but the graph ends by decoding boxes against anchor constants made for
 * 320×240. The rewrite cuts that decoding off: the graph outputs the softmaxed `scores` [1, N, 2] and the
 * raw `locations` [1, N, 4] (centre offsets and log sizes), decoded in JavaScript with anchors made for the
 * size fed (nets/detector.ts detectorAnchors). A level of the pyramid then runs at its own size instead of
 * being padded or tiled into 320×240 windows: half the pixels for a portrait, a third fewer for 1920×1080.
 * @returns the rewritten model bytes, and the name the raw locations had.
 */
export function freeDetectorInputSize(modelBytes: Uint8Array): { bytes: Uint8Array; locationsFrom: string } {
  const modelFields = fieldsOf(modelBytes);
  const graphField = modelFields.find((f) => f.id === MODEL_GRAPH);
  if (!graphField?.payload) throw new Error('not an ONNX model: no graph');
  const graphFields = fieldsOf(graphField.payload);
  const nodes = graphFields.flatMap((f) => (f.id === GRAPH_NODE && f.payload ? [{ field: f, node: NodeType.decode(f.payload) as unknown as NodeProto }] : []));
  const softmax = nodes.find(({ node }) => node.opType === 'Softmax' && node.output[0] === 'scores');
  // The box decoding starts by slicing the concatenated raw locations of the four heads.
  const firstSlice = nodes.find(({ node }) => node.opType === 'Slice');
  const locationsFrom = firstSlice?.node.input[0];
  const producer = nodes.find(({ node }) => node.output.includes(locationsFrom ?? ''));
  if (!softmax || !locationsFrom || producer?.node.opType !== 'Concat') throw new Error('not the expected detector graph (no scores Softmax or location Concat)');
  // Keep only what the two outputs need, walking back from them (nodes are in topological order).
  const needed = new Set(['scores', locationsFrom]);
  const kept = new Set<Field>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const { field, node } = nodes[i]!;
    if (!node.output.some((o) => needed.has(o))) continue;
    kept.add(field);
    for (const input of node.input) needed.add(input);
  }
  const identity = lengthDelimited(GRAPH_NODE, NodeType.encode(NodeType.fromObject({ input: [locationsFrom], output: ['locations'], name: 'locations', opType: 'Identity' })).finish());
  const graphParts: Uint8Array[] = [];
  for (const f of graphFields) {
    if (f.id === GRAPH_NODE) {
      if (kept.has(f)) graphParts.push(f.raw);
    } else if (f.id === GRAPH_INPUT && f.payload && (ValueInfoType.decode(f.payload) as unknown as { name?: string }).name === 'input') {
      graphParts.push(floatValueInfo(GRAPH_INPUT, 'input', [1, 3, 'height', 'width']));
    } else if (f.id === GRAPH_OUTPUT || f.id === GRAPH_VALUE_INFO) {
      // Outputs are declared anew below; intermediate shapes recorded for 320×240 would no longer hold.
    } else {
      graphParts.push(f.raw);
    }
  }
  graphParts.push(identity, floatValueInfo(GRAPH_OUTPUT, 'scores', [1, 'anchors', 2]), floatValueInfo(GRAPH_OUTPUT, 'locations', [1, 'anchors', 4]));
  const graph = lengthDelimited(MODEL_GRAPH, concat(graphParts));
  return { bytes: concat(modelFields.map((f) => (f === graphField ? graph : f.raw))), locationsFrom };
}
