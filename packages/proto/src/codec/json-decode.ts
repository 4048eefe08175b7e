/**
 * Mesos JSON -> TypeScript messages.
 *
 * Mesos reads JSON with protobuf reflection (stout's `protobuf::parse`), not
 * with proto3's JSON mapping. We follow it:
 * - keys are the .proto field names (snake_case); unknown keys are ignored;
 * - `null` means unset, for every field, repeated ones included;
 * - enums are written by name;
 * - numbers may also be given as numeric strings, booleans as "true"/"false",
 *   doubles as "Infinity"/"-Infinity";
 * - 64-bit integers are read from the number's text, so no precision is lost;
 * - a single value where a repeated field is expected counts as one element;
 * - bytes are base64;
 * - required fields must be present.
 * Where Mesos silently drops an enum name it does not know, we answer an error
 * that names the field (option `unknownEnums: 'drop'` restores Mesos's way).
 */
import { isLosslessNumber, parse as parseLossless } from 'lossless-json';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { CodecFailure, decodeBase64, describe, integerFromText, isNumberKind, mapValueField, within } from './scalars';
import { isLongKind, messageSchema, type FieldSchema, type MessageSchema } from './schema';

export interface MesosJsonDecodeOptions {
  /**
   * What to do with an enum name the schema does not know: `'error'` (the
   * default) fails naming the field; `'drop'` leaves the field unset, as Apache
   * Mesos does for non-required fields (useful for clients newer than 1.11).
   */
  readonly unknownEnums?: 'error' | 'drop';
}

type Json = unknown;

const DROP = Symbol('drop');

class Decoder {
  constructor(private readonly options: MesosJsonDecodeOptions) {}

  message(schema: MessageSchema, json: Json): Record<string, unknown> {
    if (json === null || typeof json !== 'object' || Array.isArray(json) || isLosslessNumber(json)) {
      throw new CodecFailure(`expected a JSON object for ${schema.fullName}, got ${describe(json)}`);
    }
    const out: Record<string, unknown> = {};
    for (const key in json) {
      const field = schema.byName.get(key);
      const value = (json as Record<string, unknown>)[key];
      if (field === undefined || value === null || value === undefined) continue;
      try {
        if (field.mapKey !== undefined) {
          const m = this.map(field, value);
          if (m !== undefined) out[field.tsName] = m;
        } else if (field.repeated) {
          const list = this.list(field, value);
          // An empty repeated field is the same as an absent one.
          if (list.length > 0) out[field.tsName] = list;
        } else {
          const v = this.value(field, value);
          if (v !== DROP) out[field.tsName] = v;
        }
      } catch (e) {
        within(e, key);
      }
    }
    const required = schema.requiredFields;
    for (let i = 0; i < required.length; i++) {
      if (out[(required[i] as FieldSchema).tsName] === undefined) {
        const missing = required.filter((f) => out[f.tsName] === undefined).map((f) => `'${f.name}'`);
        throw new CodecFailure(`missing required field${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${schema.fullName}`);
      }
    }
    return out;
  }

  private list(field: FieldSchema, value: Json): unknown[] {
    const list: unknown[] = [];
    if (!Array.isArray(value)) {
      // Mesos takes a lone value where a list is expected as a list of one.
      const v = this.value(field, value);
      if (v !== DROP) list.push(v);
      return list;
    }
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null) continue;
      try {
        const v = this.value(field, item);
        if (v !== DROP) list.push(v);
      } catch (e) {
        within(e, `[${i}]`);
      }
    }
    return list;
  }

  private map(field: FieldSchema, json: Json): Record<string, unknown> | undefined {
    if (json === null || typeof json !== 'object' || Array.isArray(json) || isLosslessNumber(json)) {
      throw new CodecFailure(`expected a JSON object (a map), got ${describe(json)}`);
    }
    const valueField = mapValueField(field);
    let out: Record<string, unknown> | undefined;
    for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
      if (value === null) continue;
      try {
        if (field.mapKey !== 'string') this.scalar(field.mapKey ?? 'string', key); // validates the key text
        const v = this.value(valueField, value);
        if (v !== DROP) (out ??= {})[key] = v;
      } catch (e) {
        within(e, `[${JSON.stringify(key)}]`);
      }
    }
    return out;
  }

  private value(field: FieldSchema, json: Json): unknown {
    if (field.kind === 'message') {
      return this.message((field.messageType as () => MessageSchema)(), json);
    }
    if (field.kind === 'enum') {
      const en = field.enumType;
      if (typeof json !== 'string' || en === undefined) {
        throw new CodecFailure(`expected an enum name (a JSON string), got ${describe(json)}`);
      }
      const n = en.byName.get(json);
      if (n !== undefined) return n;
      if (this.options.unknownEnums === 'drop' && !field.required) return DROP;
      const known = [...en.byName.keys()];
      const list = known.length <= 12 ? `: one of ${known.join(', ')}` : '';
      throw new CodecFailure(`unknown value '${json}' for enum ${en.fullName}${list}`);
    }
    return this.scalar(field.kind, json);
  }

  private scalar(kind: FieldSchema['kind'], json: Json): unknown {
    switch (kind) {
      case 'string':
        if (typeof json === 'string') return json;
        break;
      case 'bytes':
        if (typeof json === 'string') return decodeBase64(json);
        break;
      case 'bool':
        if (typeof json === 'boolean') return json;
        if (json === 'true') return true;
        if (json === 'false') return false;
        break;
      case 'double':
      case 'float': {
        if (typeof json === 'number') return json;
        if (isLosslessNumber(json)) return Number(json.value);
        if (typeof json === 'string') {
          if (json === 'Infinity') return Number.POSITIVE_INFINITY;
          if (json === '-Infinity') return Number.NEGATIVE_INFINITY;
          const n = Number(json);
          if (json.trim() !== '' && Number.isFinite(n)) return n;
          throw new CodecFailure(`expected a number (${kind}), got ${describe(json)}`);
        }
        break;
      }
      default: {
        let text: string | undefined;
        if (typeof json === 'number') {
          if (!Number.isInteger(json)) throw new CodecFailure(`expected an integer (${kind}), got ${json}`);
          text = BigInt(json).toString();
        } else if (typeof json === 'bigint') text = json.toString();
        else if (isLosslessNumber(json)) text = json.value;
        else if (typeof json === 'string') text = json.trim();
        if (text !== undefined) {
          const big = integerFromText(text, kind);
          return isLongKind(kind) ? big : Number(big);
        }
      }
    }
    const expected = isNumberKind(kind) || isLongKind(kind) ? `a number (${kind})` : `a ${kind === 'bytes' ? 'base64 string' : kind}`;
    throw new CodecFailure(`expected ${expected}, got ${describe(json)}`);
  }
}

function failure(typeName: string, e: unknown): MesosTsError {
  if (e instanceof CodecFailure) {
    return new MesosTsError('INVALID_ARGUMENT', `Failed to parse ${typeName} from JSON: ${e.describe()}`, { cause: e });
  }
  throw e;
}

/**
 * Converts a parsed JSON value (from JSON.parse, lossless-json, or built by
 * hand; 64-bit integers may be bigint or numeric strings) into a message.
 */
export function decodeMesosJsonValue(typeName: string, json: unknown, options: MesosJsonDecodeOptions = {}): Result<unknown> {
  const schema = messageSchema(typeName);
  try {
    return ok(new Decoder(options).message(schema, json));
  } catch (e) {
    return err(failure(typeName, e));
  }
}

/** Parses JSON text (a string or UTF-8 bytes) into a message, keeping 64-bit integers exact. */
export function parseMesosJsonText(typeName: string, text: string | Uint8Array, options: MesosJsonDecodeOptions = {}): Result<unknown> {
  const s = typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8');
  let json: unknown;
  try {
    json = parseLossless(s);
  } catch (e) {
    return err(new MesosTsError('INVALID_ARGUMENT', `Failed to parse ${typeName}: malformed JSON: ${(e as Error).message}`, { cause: e }));
  }
  return decodeMesosJsonValue(typeName, json, options);
}
