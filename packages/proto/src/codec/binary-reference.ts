/**
 * The previous binary codec, on the protobufjs runtime, kept as the reference
 * that tests compare the direct codec (binary.ts) with, byte for byte. Not
 * exported from the package.
 *
 * TypeScript messages <-> protobuf binary, on the protobufjs runtime.
 *
 * protobufjs writes a proto2 optional field only when it is present and reads
 * presence back as own properties, so a field set to its zero value
 * (`checkpoint: false`, a range starting at 0) survives a round trip, as it
 * does in Mesos. We convert between the generated TypeScript shape (camelCase
 * keys, bigint for 64-bit integers) and protobufjs's (proto names, Long).
 * An enum number the schema does not define is dropped on decode, as proto2
 * does; a required field left missing that way makes the decode fail.
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { CodecFailure, checkTsScalar, fromLong, mapValueField, toLong, within } from './scalars';
import { isLongKind, messageSchema, type FieldSchema, type MessageSchema } from './schema';

const hasOwn = Object.prototype.hasOwnProperty;

function messageOf(field: FieldSchema): MessageSchema {
  return (field.messageType as () => MessageSchema)();
}

// --- TypeScript -> protobufjs ------------------------------------------------

function toWireValue(field: FieldSchema, value: unknown): unknown {
  switch (field.kind) {
    case 'message':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new CodecFailure(`expected a message object, got ${typeof value}`);
      return toWire(messageOf(field), value as Record<string, unknown>);
    case 'enum':
      if (typeof value !== 'number' || !field.enumType?.byNumber.has(value)) {
        throw new CodecFailure(`${String(value)} is not a value of enum ${field.enumType?.fullName ?? '?'}`);
      }
      return value;
    default: {
      const v = checkTsScalar(field.kind, value);
      return isLongKind(field.kind) ? toLong(v as bigint, field.kind) : v;
    }
  }
}

function toWire(schema: MessageSchema, message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of schema.fields) {
    const value = message[field.tsName];
    if (value === undefined || value === null) {
      if (field.required) throw new CodecFailure(`missing required field '${field.name}' of ${schema.fullName}`);
      continue;
    }
    try {
      if (field.mapKey !== undefined) {
        const vf = mapValueField(field);
        const m: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          try {
            m[k] = toWireValue(vf, v);
          } catch (e) {
            within(e, `[${JSON.stringify(k)}]`);
          }
        }
        out[field.name] = m;
      } else if (field.repeated) {
        if (!Array.isArray(value)) throw new CodecFailure(`expected an array for repeated field, got ${typeof value}`);
        out[field.name] = value.map((v, i) => {
          try {
            return toWireValue(field, v);
          } catch (e) {
            return within(e, `[${i}]`);
          }
        });
      } else {
        out[field.name] = toWireValue(field, value);
      }
    } catch (e) {
      within(e, field.name);
    }
  }
  return out;
}

// --- protobufjs -> TypeScript ------------------------------------------------

const DROP = Symbol('drop');

function fromWireValue(field: FieldSchema, value: unknown): unknown {
  switch (field.kind) {
    case 'message':
      return fromWire(messageOf(field), value as Record<string, unknown>);
    case 'enum':
      return field.enumType?.byNumber.has(value as number) ? value : DROP;
    case 'bytes':
      return new Uint8Array(value as Uint8Array);
    default:
      return isLongKind(field.kind) ? fromLong(value, field.kind) : value;
  }
}

function fromWire(schema: MessageSchema, message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of schema.fields) {
    if (!hasOwn.call(message, field.name)) continue;
    const value = message[field.name];
    if (field.mapKey !== undefined) {
      const vf = mapValueField(field);
      const m: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const x = fromWireValue(vf, v);
        if (x !== DROP) m[k] = x;
      }
      // protobufjs gives every map and repeated field an own empty value;
      // in proto an empty one is the same as an absent one.
      if (Object.keys(m).length > 0) out[field.tsName] = m;
    } else if (field.repeated) {
      const list: unknown[] = [];
      for (const v of value as unknown[]) {
        const x = fromWireValue(field, v);
        if (x !== DROP) list.push(x);
      }
      if (list.length > 0) out[field.tsName] = list;
    } else {
      const x = fromWireValue(field, value);
      if (x !== DROP) out[field.tsName] = x;
    }
  }
  for (const f of schema.requiredFields) {
    // protobufjs checks required fields itself; this catches one emptied by an unknown enum number.
    if (out[f.tsName] === undefined) throw new CodecFailure(`missing required field '${f.name}' of ${schema.fullName}`);
  }
  return out;
}

/** Serialises a message to protobuf binary. Throws MesosTsError (INVALID_ARGUMENT) if it does not fit the schema. */
export function encodeBinaryReference(typeName: string, message: object): Uint8Array {
  const schema = messageSchema(typeName);
  let wire: Record<string, unknown>;
  try {
    wire = toWire(schema, message as Record<string, unknown>);
  } catch (e) {
    if (e instanceof CodecFailure) throw new MesosTsError('INVALID_ARGUMENT', `Cannot encode ${typeName}: ${e.describe()}`, { cause: e });
    throw e;
  }
  return schema.type.encode(wire).finish();
}

/** Parses protobuf binary into a message; malformed input is an error value, never a throw. */
export function decodeBinaryReference(typeName: string, bytes: Uint8Array): Result<unknown> {
  const schema = messageSchema(typeName);
  try {
    const decoded = schema.type.decode(bytes) as unknown as Record<string, unknown>;
    return ok(fromWire(schema, decoded));
  } catch (e) {
    const reason = e instanceof CodecFailure ? e.describe() : e instanceof Error ? e.message : String(e);
    return err(new MesosTsError('INVALID_ARGUMENT', `Failed to parse ${typeName} from protobuf: ${reason}`, { cause: e }));
  }
}
