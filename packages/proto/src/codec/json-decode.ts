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
import { CodecFailure, childPath, decodeBase64, describe, integerFromText, isNumberKind, mapValueField } from './scalars';
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

  message(schema: MessageSchema, json: Json, path: string): Record<string, unknown> {
    if (json === null || typeof json !== 'object' || Array.isArray(json) || isLosslessNumber(json)) {
      throw new CodecFailure(path, `expected a JSON object for ${schema.fullName}, got ${describe(json)}`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
      const field = schema.byName.get(key);
      if (field === undefined || value === null || value === undefined) continue;
      const path1 = childPath(path, key);
      if (field.mapKey !== undefined) {
        const m = this.map(field, value, path1);
        if (Object.keys(m).length > 0) out[field.tsName] = m;
      } else if (field.repeated) {
        const items = Array.isArray(value) ? value : [value];
        const list: unknown[] = [];
        items.forEach((item, i) => {
          if (item === null) return;
          const v = this.value(field, item, `${path1}[${i}]`);
          if (v !== DROP) list.push(v);
        });
        // An empty repeated field is the same as an absent one.
        if (list.length > 0) out[field.tsName] = list;
      } else {
        const v = this.value(field, value, path1);
        if (v !== DROP) out[field.tsName] = v;
      }
    }
    const missing = schema.requiredFields.filter((f) => out[f.tsName] === undefined);
    if (missing.length > 0) {
      const names = missing.map((f) => `'${childPath(path, f.name)}'`).join(', ');
      throw new CodecFailure(path, `missing required field${missing.length > 1 ? 's' : ''} ${names} of ${schema.fullName}`);
    }
    return out;
  }

  private map(field: FieldSchema, json: Json, path: string): Record<string, unknown> {
    if (json === null || typeof json !== 'object' || Array.isArray(json) || isLosslessNumber(json)) {
      throw new CodecFailure(path, `expected a JSON object (a map), got ${describe(json)}`);
    }
    const valueField = mapValueField(field);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
      if (value === null) continue;
      const keyPath = `${path}[${JSON.stringify(key)}]`;
      if (field.mapKey !== 'string') this.scalar(field.mapKey ?? 'string', key, keyPath); // validates the key text
      const v = this.value(valueField, value, keyPath);
      if (v !== DROP) out[key] = v;
    }
    return out;
  }

  private value(field: FieldSchema, json: Json, path: string): unknown {
    if (field.kind === 'message') {
      return this.message((field.messageType as () => MessageSchema)(), json, path);
    }
    if (field.kind === 'enum') {
      const en = field.enumType;
      if (typeof json !== 'string' || en === undefined) {
        throw new CodecFailure(path, `expected an enum name (a JSON string), got ${describe(json)}`);
      }
      const n = en.byName.get(json);
      if (n !== undefined) return n;
      if (this.options.unknownEnums === 'drop' && !field.required) return DROP;
      const known = [...en.byName.keys()];
      const list = known.length <= 12 ? `: one of ${known.join(', ')}` : '';
      throw new CodecFailure(path, `unknown value '${json}' for enum ${en.fullName}${list}`);
    }
    return this.scalar(field.kind, json, path);
  }

  private scalar(kind: FieldSchema['kind'], json: Json, path: string): unknown {
    switch (kind) {
      case 'string':
        if (typeof json === 'string') return json;
        break;
      case 'bytes':
        if (typeof json === 'string') return decodeBase64(json, path);
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
          throw new CodecFailure(path, `expected a number (${kind}), got ${describe(json)}`);
        }
        break;
      }
      default: {
        let text: string | undefined;
        if (typeof json === 'number') {
          if (!Number.isInteger(json)) throw new CodecFailure(path, `expected an integer (${kind}), got ${json}`);
          text = BigInt(json).toString();
        } else if (typeof json === 'bigint') text = json.toString();
        else if (isLosslessNumber(json)) text = json.value;
        else if (typeof json === 'string') text = json.trim();
        if (text !== undefined) {
          const big = integerFromText(text, kind, path);
          return isLongKind(kind) ? big : Number(big);
        }
      }
    }
    const expected = isNumberKind(kind) || isLongKind(kind) ? `a number (${kind})` : `a ${kind === 'bytes' ? 'base64 string' : kind}`;
    throw new CodecFailure(path, `expected ${expected}, got ${describe(json)}`);
  }
}

function failure(typeName: string, e: unknown): MesosTsError {
  if (e instanceof CodecFailure) {
    return new MesosTsError('INVALID_ARGUMENT', `Failed to parse ${typeName} from JSON: ${e.message}`, { cause: e });
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
    return ok(new Decoder(options).message(schema, json, ''));
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
