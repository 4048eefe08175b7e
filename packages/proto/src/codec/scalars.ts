/**
 * Conversions of single values between Mesos JSON, TypeScript and the
 * protobufjs wire objects. Shared by the JSON and binary codecs.
 */
import { isLosslessNumber } from 'lossless-json';
import Long from 'long';
import type { FieldKind, FieldSchema, ScalarKind } from './schema';

/**
 * Thrown inside the codecs and turned into a MesosTsError at their boundary.
 * The path to the offending value is collected on the way out (see `within`),
 * so the walk builds no path strings unless something is wrong.
 */
export class CodecFailure extends Error {
  /** Path segments, innermost first: field names, `[3]` indexes, `["key"]` map keys. */
  readonly segments: string[] = [];

  constructor(readonly reason: string) {
    super(reason);
  }

  /** The path from the top-level message, e.g. `offers[0].resources[1].scalar`. */
  get path(): string {
    let out = '';
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i] as string;
      out += s.startsWith('[') || out === '' ? s : `.${s}`;
    }
    return out;
  }

  describe(): string {
    const path = this.path;
    return path ? `${path}: ${this.reason}` : this.reason;
  }
}

/** Adds `segment` to the path of a CodecFailure passing through, and rethrows. */
export function within(error: unknown, segment: string): never {
  if (error instanceof CodecFailure) error.segments.push(segment);
  throw error;
}

const INT_RANGES: Partial<Record<FieldKind, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

/** The inclusive range of an integer kind. */
export function intRange(kind: FieldKind): readonly [bigint, bigint] | undefined {
  return INT_RANGES[kind];
}

const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Reads an integer of `kind` from the text of a JSON number or a numeric
 * string, without going through a double (so 2^63-1 stays exact). Integral
 * values written with a fraction or exponent (`5.0`, `1e3`) are accepted,
 * as Mesos accepts them; fractional values are errors.
 */
export function integerFromText(text: string, kind: FieldKind): bigint {
  let value: bigint;
  if (INTEGER_TEXT.test(text)) {
    value = BigInt(text);
  } else if (NUMBER_TEXT.test(text)) {
    const n = Number(text);
    if (!Number.isInteger(n)) throw new CodecFailure(`expected an integer (${kind}), got ${text}`);
    value = BigInt(n);
  } else {
    throw new CodecFailure(`expected an integer (${kind}), got ${JSON.stringify(text)}`);
  }
  const range = INT_RANGES[kind];
  if (range && (value < range[0] || value > range[1])) {
    throw new CodecFailure(`${text} is out of range for ${kind}`);
  }
  return value;
}

/** Whether a kind is carried as a JS number in TypeScript (32-bit integers, floats). */
export function isNumberKind(kind: FieldKind): boolean {
  return kind === 'double' || kind === 'float' || kind === 'int32' || kind === 'uint32' || kind === 'sint32' || kind === 'fixed32' || kind === 'sfixed32';
}

/**
 * Formats a double as Mesos writes it (rapidjson's shortest round-trip form):
 * integral values keep a `.0`, exponents have no `+`, and floats are widened
 * to double first exactly as protobuf's C++ reflection does.
 */
export function formatDouble(value: number, kind: 'double' | 'float'): string {
  const v = kind === 'float' ? Math.fround(value) : value;
  if (!Number.isFinite(v)) throw new CodecFailure(`${v} cannot be written as a JSON number`);
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  if (s.includes('e')) return s.replace('e+', 'e');
  return s.includes('.') ? s : `${s}.0`;
}

/** Checks that a TypeScript value fits its field's kind, returning it in canonical TS form. */
export function checkTsScalar(kind: ScalarKind, value: unknown): unknown {
  switch (kind) {
    case 'double':
    case 'float':
      if (typeof value === 'number') return value;
      break;
    case 'bool':
      if (typeof value === 'boolean') return value;
      break;
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'bytes':
      if (value instanceof Uint8Array) return value;
      break;
    default: {
      let big: bigint | undefined;
      if (typeof value === 'bigint') big = value;
      else if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
      else if (typeof value === 'string' && INTEGER_TEXT.test(value)) big = BigInt(value);
      if (big !== undefined) {
        const range = INT_RANGES[kind];
        if (range && (big < range[0] || big > range[1])) throw new CodecFailure(`${big} is out of range for ${kind}`);
        return isNumberKind(kind) ? Number(big) : big;
      }
    }
  }
  throw new CodecFailure(`expected a ${kind}, got ${describe(value)}`);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (isLosslessNumber(value)) return `number ${value.value}`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'bigint') return `${value}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** Converts a TS bigint to the Long protobufjs writes. */
export function toLong(value: bigint, kind: FieldKind): Long {
  const unsigned = kind === 'uint64' || kind === 'fixed64';
  return Long.fromString(value.toString(), unsigned);
}

/** Converts what protobufjs decoded for a 64-bit field to a bigint. */
export function fromLong(value: unknown, kind: FieldKind): bigint {
  if (typeof value === 'number') return BigInt(value);
  if (Long.isLong(value)) {
    const unsigned = kind === 'uint64' || kind === 'fixed64';
    const l = unsigned && !value.unsigned ? value.toUnsigned() : value;
    return BigInt(l.toString());
  }
  return BigInt(String(value));
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

export function decodeBase64(text: string): Uint8Array {
  if (!BASE64.test(text)) throw new CodecFailure(`invalid base64 in bytes field: ${describe(text)}`);
  // A Buffer, as the generated types (ts-proto, env=node) promise for bytes fields.
  return Buffer.from(text, 'base64');
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The field of a map entry value, described like a field so the same readers serve it. */
export function mapValueField(field: FieldSchema): FieldSchema {
  let vf = mapValueFields.get(field);
  if (!vf) {
    vf = { ...field, repeated: false, required: false, mapKey: undefined, defaultValue: undefined };
    mapValueFields.set(field, vf);
  }
  return vf;
}
const mapValueFields = new WeakMap<FieldSchema, FieldSchema>();
