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
import { CodecFailure, checkTsScalar, childPath, encodeBase64, formatDouble, mapValueField } from './scalars';
import { messageSchema, type FieldSchema, type MessageSchema } from './schema';

/** A JSON value as `toMesosJson` returns it: 64-bit integers are bigint so none loses precision. */
export type MesosJsonValue = null | boolean | number | bigint | string | MesosJsonValue[] | { [key: string]: MesosJsonValue };

/** Calls `visit` for each field Mesos would write, with the value to write. */
function forEachWritten(schema: MessageSchema, message: Record<string, unknown>, visit: (field: FieldSchema, value: unknown) => void): void {
  for (const field of schema.fields) {
    const value = message[field.tsName];
    if (field.mapKey !== undefined) {
      if (value !== undefined && value !== null && Object.keys(value as object).length > 0) visit(field, value);
    } else if (field.repeated) {
      if (value !== undefined && value !== null) {
        if (!Array.isArray(value)) throw new CodecFailure(field.name, `expected an array for repeated field, got ${typeof value}`);
        if (value.length > 0) visit(field, value);
      }
    } else if (value !== undefined && value !== null) {
      visit(field, value);
    } else if (field.defaultValue !== undefined && !field.deprecated) {
      visit(field, field.defaultValue);
    }
  }
}

function enumName(field: FieldSchema, value: unknown, path: string): string {
  const name = typeof value === 'number' ? field.enumType?.byNumber.get(value) : undefined;
  if (name === undefined) {
    throw new CodecFailure(path, `${String(value)} is not a value of enum ${field.enumType?.fullName ?? '?'}`);
  }
  return name;
}

function messageOf(field: FieldSchema): MessageSchema {
  return (field.messageType as () => MessageSchema)();
}

function asRecord(value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new CodecFailure(path, `expected a message object, got ${typeof value}`);
  return value as Record<string, unknown>;
}

// --- text ----------------------------------------------------------------

class TextWriter {
  private readonly parts: string[] = [];

  result(): string {
    return this.parts.join('');
  }

  message(schema: MessageSchema, message: Record<string, unknown>, path: string): void {
    this.parts.push('{');
    let first = true;
    forEachWritten(schema, message, (field, value) => {
      if (!first) this.parts.push(',');
      first = false;
      const p = childPath(path, field.name);
      this.parts.push(JSON.stringify(field.name), ':');
      if (field.mapKey !== undefined) {
        const vf = mapValueField(field);
        this.parts.push('{');
        let firstKey = true;
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (!firstKey) this.parts.push(',');
          firstKey = false;
          this.parts.push(JSON.stringify(k), ':');
          this.value(vf, v, `${p}[${JSON.stringify(k)}]`);
        }
        this.parts.push('}');
      } else if (field.repeated) {
        this.parts.push('[');
        (value as unknown[]).forEach((v, i) => {
          if (i > 0) this.parts.push(',');
          this.value(field, v, `${p}[${i}]`);
        });
        this.parts.push(']');
      } else {
        this.value(field, value, p);
      }
    });
    this.parts.push('}');
  }

  private value(field: FieldSchema, value: unknown, path: string): void {
    switch (field.kind) {
      case 'message':
        this.message(messageOf(field), asRecord(value, path), path);
        return;
      case 'enum':
        this.parts.push(JSON.stringify(enumName(field, value, path)));
        return;
      case 'double':
      case 'float':
        this.parts.push(formatDouble(checkTsScalar(field.kind, value, path) as number, field.kind, path));
        return;
      case 'string':
        this.parts.push(JSON.stringify(checkTsScalar('string', value, path)));
        return;
      case 'bytes':
        this.parts.push(`"${encodeBase64(checkTsScalar('bytes', value, path) as Uint8Array)}"`);
        return;
      case 'bool':
        this.parts.push(checkTsScalar('bool', value, path) ? 'true' : 'false');
        return;
      default:
        this.parts.push(String(checkTsScalar(field.kind, value, path)));
    }
  }
}

// --- object --------------------------------------------------------------

function objectValue(field: FieldSchema, value: unknown, path: string): MesosJsonValue {
  switch (field.kind) {
    case 'message':
      return objectMessage(messageOf(field), asRecord(value, path), path);
    case 'enum':
      return enumName(field, value, path);
    case 'bytes':
      return encodeBase64(checkTsScalar('bytes', value, path) as Uint8Array);
    default: {
      const v = checkTsScalar(field.kind, value, path) as number | bigint | string | boolean;
      if ((field.kind === 'double' || field.kind === 'float') && !Number.isFinite(v)) {
        throw new CodecFailure(path, `${String(v)} cannot be written as a JSON number`);
      }
      return field.kind === 'float' ? Math.fround(v as number) : v;
    }
  }
}

function objectMessage(schema: MessageSchema, message: Record<string, unknown>, path: string): { [key: string]: MesosJsonValue } {
  const out: { [key: string]: MesosJsonValue } = {};
  forEachWritten(schema, message, (field, value) => {
    const p = childPath(path, field.name);
    if (field.mapKey !== undefined) {
      const vf = mapValueField(field);
      const m: { [key: string]: MesosJsonValue } = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) m[k] = objectValue(vf, v, `${p}[${JSON.stringify(k)}]`);
      out[field.name] = m;
    } else if (field.repeated) {
      out[field.name] = (value as unknown[]).map((v, i) => objectValue(field, v, `${p}[${i}]`));
    } else {
      out[field.name] = objectValue(field, value, p);
    }
  });
  return out;
}

function invalid(typeName: string, e: unknown): never {
  if (e instanceof CodecFailure) {
    throw new MesosTsError('INVALID_ARGUMENT', `Cannot write ${typeName} as JSON: ${e.message}`, { cause: e });
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
    w.message(messageSchema(typeName), asRecord(message, ''), '');
  } catch (e) {
    invalid(typeName, e);
  }
  return w.result();
}

/** Converts a message to the JSON value Mesos would write (64-bit integers as bigint). */
export function toMesosJsonValue(typeName: string, message: object): { [key: string]: MesosJsonValue } {
  try {
    return objectMessage(messageSchema(typeName), asRecord(message, ''), '');
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
