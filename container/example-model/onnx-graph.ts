/**
 * A thin, typed layer over onnx-proto for writing small ONNX graphs from Node.
 *
 * Tensors are written as little-endian `rawData`, which is compact and byte-for-byte the same on
 * every build: that is what makes `warmgate example-model` deterministic.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const OPSET = 13;
export const IR_VERSION = 7;

const DataType = { FLOAT: 1, INT64: 7 } as const;
const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;

export type ElemType = keyof typeof DataType;

export function floatTensor(
  name: string,
  dims: readonly number[],
  values: ArrayLike<number>,
): onnxProto.onnx.ITensorProto {
  const size = dims.reduce((a, b) => a * b, 1);
  if (values.length !== size)
    throw new Error(`${name}: ${values.length} values for dims [${dims.join(', ')}]`);
  const bytes = new Uint8Array(size * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < size; i++) view.setFloat32(i * 4, values[i] as number, true);
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: bytes };
}

export function int64Tensor(
  name: string,
  dims: readonly number[],
  values: readonly number[],
): onnxProto.onnx.ITensorProto {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => {
    view.setBigInt64(i * 8, BigInt(v), true);
  });
  return { name, dims: [...dims], dataType: DataType.INT64, rawData: bytes };
}

/** A graph input or output with named (symbolic) or fixed dimensions. */
export function valueInfo(
  name: string,
  elem: ElemType,
  dims: ReadonlyArray<string | number>,
): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType[elem],
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

type AttrValue = number | readonly number[] | { float: number };

/** One operator node. Integer attributes are numbers, float attributes `{float: x}`. */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attrs: Readonly<Record<string, AttrValue>> = {},
): onnxProto.onnx.INodeProto {
  const attribute = Object.entries(attrs).map(([name, v]): onnxProto.onnx.IAttributeProto => {
    if (typeof v === 'number') return { name, type: AttributeType.INT, i: v };
    if (Array.isArray(v)) return { name, type: AttributeType.INTS, ints: [...(v as number[])] };
    return { name, type: AttributeType.FLOAT, f: (v as { float: number }).float };
  });
  return { opType, input: [...inputs], output: [...outputs], name: outputs[0] ?? opType, attribute };
}

export interface GraphSpec {
  readonly name: string;
  readonly nodes: readonly onnxProto.onnx.INodeProto[];
  readonly initializers: readonly onnxProto.onnx.ITensorProto[];
  readonly inputs: readonly onnxProto.onnx.IValueInfoProto[];
  readonly outputs: readonly onnxProto.onnx.IValueInfoProto[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly docString: string;
}

/** Serialises a complete model (opset 13, IR 7) to ONNX protobuf bytes. */
export function encodeModel(spec: GraphSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'warmgate',
    producerVersion: '1',
    docString: spec.docString,
    opsetImport: [{ domain: '', version: OPSET }],
    metadataProps: Object.entries(spec.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.name,
      node: [...spec.nodes],
      initializer: [...spec.initializers],
      input: [...spec.inputs],
      output: [...spec.outputs],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
