/**
 * Per-message plans for the direct binary codec (binary.ts, binary-read.ts): each message's fields in
 * field-number order with their wire types and keys precomputed, and a field-number index for decoding.
 */
import { mapValueField } from './scalars';
import type { FieldKind, FieldSchema, MessageSchema } from './schema';

// --- compiled per-message plans ------------------------------------------------

/** Wire types. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LDELIM = 2;
export const FIXED32 = 5;

/**
 * Field kinds as small integers, so the hot switch compares numbers. (A plain enum: importers copy it into a
 * local binding, see binary-read.ts, since unbundled CommonJS reaches imports through getter calls.)
 */
export enum K {
  Double,
  Float,
  Int32,
  Uint32,
  Sint32,
  Fixed32,
  Sfixed32,
  Int64,
  Uint64,
  Sint64,
  Fixed64,
  Sfixed64,
  Bool,
  String,
  Bytes,
  Enum,
  Message,
}

const KIND_CODES: Record<FieldKind, K> = {
  double: K.Double,
  float: K.Float,
  int32: K.Int32,
  uint32: K.Uint32,
  sint32: K.Sint32,
  fixed32: K.Fixed32,
  sfixed32: K.Sfixed32,
  int64: K.Int64,
  uint64: K.Uint64,
  sint64: K.Sint64,
  fixed64: K.Fixed64,
  sfixed64: K.Sfixed64,
  bool: K.Bool,
  string: K.String,
  bytes: K.Bytes,
  enum: K.Enum,
  message: K.Message,
};

function wireTypeOf(k: K): number {
  switch (k) {
    case K.Double:
    case K.Fixed64:
    case K.Sfixed64:
      return FIXED64;
    case K.Float:
    case K.Fixed32:
    case K.Sfixed32:
      return FIXED32;
    case K.String:
    case K.Bytes:
    case K.Message:
      return LDELIM;
    default:
      return VARINT;
  }
}

export interface FieldPlan {
  readonly field: FieldSchema;
  readonly name: string;
  readonly tsName: string;
  readonly k: K;
  readonly wireType: number;
  /** The field's key (number << 3 | wire type) as a varint value. */
  readonly tag: number;
  readonly repeated: boolean;
  readonly required: boolean;
  readonly isMap: boolean;
  /** For map fields: the entry's value, described as a field numbered 2. */
  readonly mapValue: FieldPlan | undefined;
  readonly enumNumbers: ReadonlyMap<number, string> | undefined;
  /** For message fields, resolved on first use because messages refer to each other. */
  message: MessagePlan | undefined;
}

export interface MessagePlan {
  readonly schema: MessageSchema;
  /** Fields in field-number order (the order protobuf writes them in). */
  readonly byNumber: readonly FieldPlan[];
  /** Field number -> plan; a sparse array is the cheapest lookup for small numbers. */
  readonly byId: (FieldPlan | undefined)[];
  readonly required: readonly FieldPlan[];
  readonly hasMap: boolean;
}

const plans = new Map<MessageSchema, MessagePlan>();

function fieldPlan(field: FieldSchema, id: number, repeated: boolean): FieldPlan {
  const k = KIND_CODES[field.kind];
  const wireType = wireTypeOf(k);
  const isMap = field.mapKey !== undefined;
  if (isMap && field.mapKey !== 'string') throw new Error(`${field.name}: map keys of kind ${field.mapKey} are not supported by the binary codec`);
  return {
    field,
    name: field.name,
    tsName: field.tsName,
    k,
    wireType,
    tag: ((id << 3) | (isMap ? LDELIM : wireType)) >>> 0,
    repeated,
    required: field.required,
    isMap,
    mapValue: isMap ? fieldPlan(mapValueField(field), 2, false) : undefined,
    enumNumbers: field.enumType?.byNumber,
    message: undefined,
  };
}

export function planOf(schema: MessageSchema): MessagePlan {
  let plan = plans.get(schema);
  if (plan !== undefined) return plan;
  const byId: (FieldPlan | undefined)[] = [];
  const fields = schema.fields.map((f) => fieldPlan(f, f.id, f.repeated && f.mapKey === undefined));
  for (const f of fields) byId[f.field.id] = f;
  plan = {
    schema,
    byNumber: [...fields].sort((a, b) => a.field.id - b.field.id),
    byId,
    required: fields.filter((f) => f.required),
    hasMap: fields.some((f) => f.isMap),
  };
  plans.set(schema, plan);
  return plan;
}

export function messagePlanOf(f: FieldPlan): MessagePlan {
  return (f.message ??= planOf((f.field.messageType as () => MessageSchema)()));
}

/** Scratch for reading and writing floats and doubles byte by byte. */
export const f64 = new Float64Array(1);
export const f64Bytes = new Uint8Array(f64.buffer);
export const f32 = new Float32Array(1);
export const f32Bytes = new Uint8Array(f32.buffer);
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
