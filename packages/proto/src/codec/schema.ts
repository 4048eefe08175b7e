/**
 * Run-time schema of the Mesos v1 API, read from the protobufjs reflection of
 * proto/ (src/gen/descriptor.json). The codecs walk these tables instead of
 * generated per-message code, so that proto2 field presence, defaults and
 * Mesos's JSON conventions are handled in one place.
 */
import Long from 'long';
// protobufjs has no exports map: ESM needs the file name with its extension.
import protobuf from 'protobufjs/light.js';
import descriptor from '../gen/descriptor.json';

// protobufjs needs `long` to read and write 64-bit integers without losing
// precision; bundlers can hide it from protobufjs's own lookup, so wire it here.
protobuf.util.Long = Long;
protobuf.configure();

export type ScalarKind =
  | 'double'
  | 'float'
  | 'int32'
  | 'uint32'
  | 'sint32'
  | 'fixed32'
  | 'sfixed32'
  | 'int64'
  | 'uint64'
  | 'sint64'
  | 'fixed64'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes';

export type FieldKind = ScalarKind | 'enum' | 'message';

export interface EnumSchema {
  readonly fullName: string;
  readonly byName: ReadonlyMap<string, number>;
  readonly byNumber: ReadonlyMap<number, string>;
}

export interface FieldSchema {
  /** The name in the .proto file, which is also the Mesos JSON key. */
  readonly name: string;
  /** The property name in the generated TypeScript types. */
  readonly tsName: string;
  readonly id: number;
  readonly kind: FieldKind;
  readonly repeated: boolean;
  readonly required: boolean;
  /** For map fields: the key's scalar kind (the value is described by kind/enum/message). */
  readonly mapKey: ScalarKind | undefined;
  readonly enumType: EnumSchema | undefined;
  /** For message fields, resolved lazily because messages refer to each other. */
  readonly messageType: (() => MessageSchema) | undefined;
  /** The proto2 `[default = ...]` in TypeScript form, or undefined when none is declared. */
  readonly defaultValue: unknown;
  readonly deprecated: boolean;
}

export interface MessageSchema {
  readonly fullName: string;
  /** Fields in declaration order (the order Mesos writes JSON in). */
  readonly fields: readonly FieldSchema[];
  readonly byName: ReadonlyMap<string, FieldSchema>;
  readonly requiredFields: readonly FieldSchema[];
  /** The protobufjs type, for the binary codec. */
  readonly type: protobuf.Type;
}

const SCALARS = new Set<string>([
  'double',
  'float',
  'int32',
  'uint32',
  'sint32',
  'fixed32',
  'sfixed32',
  'int64',
  'uint64',
  'sint64',
  'fixed64',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);

const LONG_KINDS = new Set<FieldKind>(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** Whether values of this kind are 64-bit integers (bigint in TypeScript). */
export function isLongKind(kind: FieldKind | ScalarKind): boolean {
  return LONG_KINDS.has(kind);
}

/**
 * The TypeScript property name ts-proto gives a proto field: snake_case words
 * joined in camelCase. Kept identical to ts-proto's rule (a test checks every
 * field of the schema against ts-proto's own function).
 */
export function tsFieldName(protoName: string): string {
  if (!protoName.includes('_')) return protoName;
  const hasLower = /[a-z]/.test(protoName);
  return protoName
    .split('_')
    .map((word, i) => {
      const w = hasLower ? word : word.toLowerCase();
      return i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1);
    })
    .join('');
}

let root: protobuf.Root | undefined;
const messages = new Map<string, MessageSchema>();
const enums = new Map<string, EnumSchema>();

function getRoot(): protobuf.Root {
  if (!root) {
    root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
    root.resolveAll();
  }
  return root;
}

function enumSchema(e: protobuf.Enum): EnumSchema {
  const fullName = e.fullName.slice(1);
  let s = enums.get(fullName);
  if (!s) {
    const byName = new Map<string, number>();
    const byNumber = new Map<number, string>();
    for (const [name, value] of Object.entries(e.values)) {
      byName.set(name, value);
      // With aliases the first name wins, as protoc's reflection reports it.
      if (!byNumber.has(value)) byNumber.set(value, name);
    }
    s = { fullName, byName, byNumber };
    enums.set(fullName, s);
  }
  return s;
}

function defaultOf(field: protobuf.Field, kind: FieldKind, en: EnumSchema | undefined): unknown {
  const raw: unknown = field.options?.['default'];
  if (raw === undefined) return undefined;
  switch (kind) {
    case 'enum':
      return typeof raw === 'string' ? en?.byName.get(raw) : raw;
    case 'bytes':
      return typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
    default:
      if (isLongKind(kind)) return BigInt(String(raw));
      return raw;
  }
}

function buildMessage(type: protobuf.Type): MessageSchema {
  const fullName = type.fullName.slice(1);
  const cached = messages.get(fullName);
  if (cached) return cached;
  const fields: FieldSchema[] = [];
  const schema: MessageSchema = {
    fullName,
    fields,
    byName: new Map(),
    requiredFields: [],
    type,
  };
  messages.set(fullName, schema);
  for (const f of type.fieldsArray) {
    const resolved = f.resolve().resolvedType;
    let kind: FieldKind;
    let enumType: EnumSchema | undefined;
    let messageType: (() => MessageSchema) | undefined;
    if (resolved instanceof protobuf.Enum) {
      kind = 'enum';
      enumType = enumSchema(resolved);
    } else if (resolved instanceof protobuf.Type) {
      kind = 'message';
      const target = resolved;
      let cached: MessageSchema | undefined;
      messageType = () => (cached ??= buildMessage(target));
    } else if (SCALARS.has(f.type)) {
      kind = f.type as ScalarKind;
    } else {
      throw new Error(`${fullName}.${f.name}: unresolved type ${f.type}`);
    }
    const isMap = f instanceof protobuf.MapField;
    const field: FieldSchema = {
      name: f.name,
      tsName: tsFieldName(f.name),
      id: f.id,
      kind,
      repeated: f.repeated || isMap,
      required: f.required,
      mapKey: isMap ? ((f as protobuf.MapField).keyType as ScalarKind) : undefined,
      enumType,
      messageType,
      defaultValue: defaultOf(f, kind, enumType),
      deprecated: f.options?.['deprecated'] === true,
    };
    fields.push(field);
    (schema.byName as Map<string, FieldSchema>).set(f.name, field);
    if (field.required) (schema.requiredFields as FieldSchema[]).push(field);
  }
  return schema;
}

/** The schema of a fully qualified message name (e.g. `mesos.v1.scheduler.Call`). */
export function messageSchema(fullName: string): MessageSchema {
  const cached = messages.get(fullName);
  if (cached) return cached;
  let type: protobuf.Type;
  try {
    type = getRoot().lookupType(fullName);
  } catch {
    throw new Error(`unknown message type '${fullName}'`);
  }
  return buildMessage(type);
}

/** Every message name in the schema (nested ones included; map entries are not messages here). */
export function allMessageNames(): string[] {
  const out: string[] = [];
  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) out.push(nested.fullName.slice(1));
      if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) visit(nested);
    }
  };
  visit(getRoot());
  return out;
}
