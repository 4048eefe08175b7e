/**
 * TypeScript messages -> Mesos JSON, as Mesos writes it (stout's `jsonify` of
 * a protobuf): fields in declaration order with their .proto names; a
 * singular field is written when set, or, when unset, if it declares a
 * default and is not deprecated; repeated fields and maps only when
 * non-empty; enums by name; bytes as base64; 64-bit integers as exact JSON
 * numbers; doubles in rapidjson's form (`1.0`, not `1`).
 */
import { stringify as stringifyLossless } from 'lossless-json';
import { MesosTsError } from '@mesos-ts/errors';
import { CodecFailure, checkTsScalar, encodeBase64, formatDouble, mapValueField, within } from './scalars';
import { messageSchema, type FieldSchema, type MessageSchema } from './schema';

/** A JSON value as `toMesosJson` returns it: 64-bit integers are bigint so none loses precision. */
export type MesosJsonValue = null | boolean | number | bigint | string | MesosJsonValue[] | { [key: string]: MesosJsonValue };

/**
 * The value Mesos writes for `field` of `message`, or undefined when it writes
 * nothing: unset singular fields only if they declare a (non-deprecated)
 * default, repeated fields and maps only when non-empty.
 */
function writtenValue(field: FieldSchema, message: Record<string, unknown>): unknown {
  const value = message[field.tsName];
  if (field.repeated) {
    if (value === undefined || value === null) return undefined;
    if (field.mapKey !== undefined) {
      for (const _ in value as object) return value;
      return undefined;
    }
    if (!Array.isArray(value)) throw new CodecFailure(`expected an array for repeated field, got ${typeof value}`);
    return value.length > 0 ? value : undefined;
  }
  if (value !== undefined && value !== null) return value;
  return field.deprecated ? undefined : field.defaultValue;
}

function enumName(field: FieldSchema, value: unknown): string {
  const name = typeof value === 'number' ? field.enumType?.byNumber.get(value) : undefined;
  if (name === undefined) {
    throw new CodecFailure(`${String(value)} is not a value of enum ${field.enumType?.fullName ?? '?'}`);
  }
  return name;
}

function messageOf(field: FieldSchema): MessageSchema {
  return (field.messageType as () => MessageSchema)();
}

function asRecord(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new CodecFailure(`expected a message object, got ${typeof value}`);
  return value as Record<string, unknown>;
}

// --- text ----------------------------------------------------------------

/** `"name":` for each field, built once. */
const jsonKeys = new WeakMap<FieldSchema, string>();
function jsonKey(field: FieldSchema): string {
  let k = jsonKeys.get(field);
  if (k === undefined) {
    k = `${JSON.stringify(field.name)}:`;
    jsonKeys.set(field, k);
  }
  return k;
}

/** Builds the text by appending to one string (V8 ropes make this cheap). */
class TextWriter {
  out = '';

  message(schema: MessageSchema, message: Record<string, unknown>): void {
    this.out += '{';
    let first = true;
    const fields = schema.fields;
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f] as FieldSchema;
      try {
        const value = writtenValue(field, message);
        if (value === undefined) continue;
        this.out += first ? jsonKey(field) : `,${jsonKey(field)}`;
        first = false;
        if (field.mapKey !== undefined) this.map(field, value as Record<string, unknown>);
        else if (field.repeated) this.list(field, value as unknown[]);
        else this.value(field, value);
      } catch (e) {
        within(e, field.name);
      }
    }
    this.out += '}';
  }

  private list(field: FieldSchema, values: unknown[]): void {
    this.out += '[';
    for (let i = 0; i < values.length; i++) {
      if (i > 0) this.out += ',';
      try {
        this.value(field, values[i]);
      } catch (e) {
        within(e, `[${i}]`);
      }
    }
    this.out += ']';
  }

  private map(field: FieldSchema, entries: Record<string, unknown>): void {
    const vf = mapValueField(field);
    this.out += '{';
    let first = true;
    for (const k in entries) {
      this.out += first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`;
      first = false;
      try {
        this.value(vf, entries[k]);
      } catch (e) {
        within(e, `[${JSON.stringify(k)}]`);
      }
    }
    this.out += '}';
  }

  private value(field: FieldSchema, value: unknown): void {
    switch (field.kind) {
      case 'message':
        this.message(messageOf(field), asRecord(value));
        return;
      case 'enum':
        this.out += `"${enumName(field, value)}"`;
        return;
      case 'double':
      case 'float':
        this.out += formatDouble(checkTsScalar(field.kind, value) as number, field.kind);
        return;
      case 'string':
        this.out += JSON.stringify(checkTsScalar('string', value));
        return;
      case 'bytes':
        this.out += `"${encodeBase64(checkTsScalar('bytes', value) as Uint8Array)}"`;
        return;
      case 'bool':
        this.out += checkTsScalar('bool', value) ? 'true' : 'false';
        return;
      default:
        this.out += String(checkTsScalar(field.kind, value));
    }
  }
}

// --- object --------------------------------------------------------------

function objectValue(field: FieldSchema, value: unknown): MesosJsonValue {
  switch (field.kind) {
    case 'message':
      return objectMessage(messageOf(field), asRecord(value));
    case 'enum':
      return enumName(field, value);
    case 'bytes':
      return encodeBase64(checkTsScalar('bytes', value) as Uint8Array);
    default: {
      const v = checkTsScalar(field.kind, value) as number | bigint | string | boolean;
      if ((field.kind === 'double' || field.kind === 'float') && !Number.isFinite(v)) {
        throw new CodecFailure(`${String(v)} cannot be written as a JSON number`);
      }
      return field.kind === 'float' ? Math.fround(v as number) : v;
    }
  }
}

function objectMessage(schema: MessageSchema, message: Record<string, unknown>): { [key: string]: MesosJsonValue } {
  const out: { [key: string]: MesosJsonValue } = {};
  for (const field of schema.fields) {
    try {
      const value = writtenValue(field, message);
      if (value === undefined) continue;
      if (field.mapKey !== undefined) {
        const vf = mapValueField(field);
        const m: { [key: string]: MesosJsonValue } = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          try {
            m[k] = objectValue(vf, v);
          } catch (e) {
            within(e, `[${JSON.stringify(k)}]`);
          }
        }
        out[field.name] = m;
      } else if (field.repeated) {
        out[field.name] = (value as unknown[]).map((v, i) => {
          try {
            return objectValue(field, v);
          } catch (e) {
            return within(e, `[${i}]`);
          }
        });
      } else {
        out[field.name] = objectValue(field, value);
      }
    } catch (e) {
      within(e, field.name);
    }
  }
  return out;
}

function invalid(typeName: string, e: unknown): never {
  if (e instanceof CodecFailure) {
    throw new MesosTsError('INVALID_ARGUMENT', `Cannot write ${typeName} as JSON: ${e.describe()}`, { cause: e });
  }
  throw e;
}

/**
 * Writes a message as Mesos JSON text. Throws a MesosTsError
 * (INVALID_ARGUMENT) when the object does not fit the schema, e.g. an enum
 * number the enum does not define.
 */
export function writeMesosJsonText(typeName: string, message: object): string {
  const w = new TextWriter();
  try {
    w.message(messageSchema(typeName), asRecord(message));
  } catch (e) {
    invalid(typeName, e);
  }
  return w.out;
}

/** Converts a message to the JSON value Mesos would write (64-bit integers as bigint). */
export function toMesosJsonValue(typeName: string, message: object): { [key: string]: MesosJsonValue } {
  try {
    return objectMessage(messageSchema(typeName), asRecord(message));
  } catch (e) {
    return invalid(typeName, e);
  }
}

/**
 * Serialises a MesosJsonValue (e.g. a toMesosJson result embedded in a larger
 * document) to text, writing bigint as exact JSON numbers.
 */
export function stringifyMesosJson(value: MesosJsonValue): string {
  return stringifyLossless(value) ?? 'null';
}
