/**
 * TypeScript messages <-> protobuf binary, straight from the schema tables.
 *
 * Earlier versions converted every message to protobufjs's object shape
 * (proto names, Long) and let protobufjs encode it, and the reverse on
 * decode: two object graphs per message on the hottest path of the master
 * and the agents. This writes and reads the wire format directly, with the
 * same results protobufjs gave (the tests compare both byte for byte):
 *
 * - fields are written in field-number order, repeated ones unpacked (proto2
 *   without `[packed = true]`, which the schema never uses), map entries as
 *   `{1: key, 2: value}` sub-messages in the object's key order;
 * - only present fields are written, so a field set to its zero value
 *   (`checkpoint: false`, a range starting at 0) survives a round trip, as
 *   it does in Mesos;
 * - on decode, repeated scalars are accepted packed or not, unknown fields
 *   are skipped, the last occurrence of a singular field wins, an enum number
 *   the schema does not define is dropped (as proto2 does), and a required
 *   field left missing makes the decode fail;
 * - 64-bit integers are bigint, bytes are fresh Uint8Arrays (never views of
 *   the input).
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import * as plans from './binary-plan';
import type { FieldPlan, MessagePlan } from './binary-plan';
import * as reader from './binary-read';
import * as scalars from './scalars';
import { messageSchema } from './schema';

// Local bindings: unbundled CommonJS (tsx, jest) reaches an imported binding through a getter on every use.
const { K, LDELIM, LITTLE_ENDIAN, f32, f32Bytes, f64, f64Bytes, messagePlanOf, planOf } = plans;
const { readTopMessage } = reader;
const { CodecFailure, checkTsScalar, within } = scalars;

// --- writer ----------------------------------------------------------------------

/**
 * One growable scratch buffer for every encode: encoding is synchronous and
 * never re-entered, and the result is copied out, so it can be reused.
 */
let out: Buffer = Buffer.allocUnsafe(64 * 1024);
let pos = 0;

function ensure(extra: number): void {
  if (pos + extra <= out.length) return;
  let size = out.length * 2;
  while (size < pos + extra) size *= 2;
  const bigger = Buffer.allocUnsafe(size);
  out.copy(bigger, 0, 0, pos);
  out = bigger;
}

function writeVarint32(value: number): void {
  // `value` is an unsigned 32-bit integer.
  ensure(5);
  while (value > 0x7f) {
    out[pos++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  out[pos++] = value;
}

/** A 64-bit varint from its low and high unsigned 32-bit halves. */
function writeVarint64(lo: number, hi: number): void {
  ensure(10);
  while (hi !== 0) {
    out[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  while (lo > 0x7f) {
    out[pos++] = (lo & 0x7f) | 0x80;
    lo >>>= 7;
  }
  out[pos++] = lo;
}

function writeFixed32(value: number): void {
  ensure(4);
  out[pos++] = value & 0xff;
  out[pos++] = (value >>> 8) & 0xff;
  out[pos++] = (value >>> 16) & 0xff;
  out[pos++] = (value >>> 24) & 0xff;
}


function writeDouble(value: number): void {
  ensure(8);
  f64[0] = value;
  if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) out[pos++] = f64Bytes[i]!;
  else for (let i = 7; i >= 0; i--) out[pos++] = f64Bytes[i]!;
}

function writeFloat(value: number): void {
  ensure(4);
  f32[0] = value;
  if (LITTLE_ENDIAN) for (let i = 0; i < 4; i++) out[pos++] = f32Bytes[i]!;
  else for (let i = 3; i >= 0; i--) out[pos++] = f32Bytes[i]!;
}

/** Reserves one byte for a length, to be filled by {@link endLength}. */
function beginLength(): number {
  ensure(1);
  return pos++;
}

/** Writes the length of what followed `at`, moving it along when the length needs more than one byte. */
function endLength(at: number): void {
  const length = pos - at - 1;
  if (length < 0x80) {
    out[at] = length;
    return;
  }
  let size = 2;
  while (length >= 2 ** (7 * size)) size++;
  ensure(size - 1);
  out.copyWithin(at + size, at + 1, pos);
  pos += size - 1;
  let v = length;
  let p = at;
  while (v > 0x7f) {
    out[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[p] = v;
}

function writeString(value: string): void {
  const n = value.length;
  ensure(5 + n * 3);
  // Short ASCII strings (IDs, names, roles) are the common case: copy them by hand.
  if (n < 0x80) {
    const at = pos++;
    let i = 0;
    for (; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) break;
      out[pos++] = c;
    }
    if (i === n) {
      out[at] = n;
      return;
    }
    pos = at;
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  writeVarint32(bytes);
  pos += out.write(value, pos, bytes, 'utf8');
}

function writeBytes(value: Uint8Array): void {
  writeVarint32(value.byteLength);
  ensure(value.byteLength);
  out.set(value, pos);
  pos += value.byteLength;
}

const TWO_32 = 2 ** 32;

/** A 32-bit integer kind's value as a number, checked as {@link checkTsScalar} does. */
function int32Value(f: FieldPlan, value: unknown, min: number, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  return checkTsScalar(f.field.kind as 'int32', value) as number;
}

/** A 64-bit integer kind's value as a bigint, checked as {@link checkTsScalar} does. */
function int64Value(f: FieldPlan, value: unknown): bigint {
  return checkTsScalar(f.field.kind as 'int64', value) as bigint;
}

function writeBigVarint(value: bigint): void {
  const u = BigInt.asUintN(64, value);
  writeVarint64(Number(u & 0xffffffffn), Number(u >> 32n));
}

function writeValue(f: FieldPlan, value: unknown): void {
  switch (f.k) {
    case K.Message: {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new CodecFailure(`expected a message object, got ${typeof value}`);
      const at = beginLength();
      writeMessage(messagePlanOf(f), value as Record<string, unknown>);
      endLength(at);
      return;
    }
    case K.String:
      if (typeof value !== 'string') checkTsScalar('string', value);
      return writeString(value as string);
    case K.Enum: {
      if (typeof value !== 'number' || !f.enumNumbers!.has(value)) {
        throw new CodecFailure(`${String(value)} is not a value of enum ${f.field.enumType?.fullName ?? '?'}`);
      }
      return value < 0 ? writeVarint64(value >>> 0, 0xffffffff) : writeVarint32(value);
    }
    case K.Double:
      if (typeof value !== 'number') checkTsScalar('double', value);
      return writeDouble(value as number);
    case K.Float:
      if (typeof value !== 'number') checkTsScalar('float', value);
      return writeFloat(value as number);
    case K.Bool:
      if (typeof value !== 'boolean') checkTsScalar('bool', value);
      return writeVarint32(value === true ? 1 : 0);
    case K.Bytes:
      if (!(value instanceof Uint8Array)) checkTsScalar('bytes', value);
      return writeBytes(value as Uint8Array);
    case K.Int32: {
      const v = int32Value(f, value, -(2 ** 31), 2 ** 31 - 1);
      return v < 0 ? writeVarint64(v >>> 0, 0xffffffff) : writeVarint32(v);
    }
    case K.Uint32:
      return writeVarint32(int32Value(f, value, 0, TWO_32 - 1));
    case K.Sint32: {
      const v = int32Value(f, value, -(2 ** 31), 2 ** 31 - 1);
      return writeVarint32(((v << 1) ^ (v >> 31)) >>> 0);
    }
    case K.Fixed32:
      return writeFixed32(int32Value(f, value, 0, TWO_32 - 1));
    case K.Sfixed32:
      return writeFixed32(int32Value(f, value, -(2 ** 31), 2 ** 31 - 1));
    case K.Int64:
    case K.Uint64: {
      if (typeof value === 'bigint' && value >= 0n && value < 0x100000000n) return writeVarint32(Number(value));
      return writeBigVarint(int64Value(f, value));
    }
    case K.Sint64: {
      const v = int64Value(f, value);
      return writeBigVarint((v << 1n) ^ (v >> 63n));
    }
    case K.Fixed64:
    case K.Sfixed64: {
      const u = BigInt.asUintN(64, int64Value(f, value));
      writeFixed32(Number(u & 0xffffffffn));
      return writeFixed32(Number(u >> 32n));
    }
  }
}

function writeMessage(plan: MessagePlan, message: Record<string, unknown>): void {
  const fields = plan.byNumber;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const value = message[f.tsName];
    if (value === undefined || value === null) {
      if (f.required) throw new CodecFailure(`missing required field '${f.name}' of ${plan.schema.fullName}`);
      continue;
    }
    try {
      if (f.isMap) writeMap(f, value);
      else if (f.repeated) {
        if (!Array.isArray(value)) throw new CodecFailure(`expected an array for repeated field, got ${typeof value}`);
        for (let j = 0; j < value.length; j++) {
          try {
            writeVarint32(f.tag);
            writeValue(f, value[j]);
          } catch (e) {
            within(e, `[${j}]`);
          }
        }
      } else {
        writeVarint32(f.tag);
        writeValue(f, value);
      }
    } catch (e) {
      within(e, f.name);
    }
  }
}

const KEY_TAG = (1 << 3) | LDELIM;

function writeMap(f: FieldPlan, value: unknown): void {
  const vf = f.mapValue!;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    try {
      writeVarint32(f.tag);
      const at = beginLength();
      writeVarint32(KEY_TAG);
      writeString(key);
      writeVarint32(vf.tag);
      writeValue(vf, v);
      endLength(at);
    } catch (e) {
      within(e, `[${JSON.stringify(key)}]`);
    }
  }
}

// --- entry points ----------------------------------------------------------------

/** Serialises a message to protobuf binary. Throws MesosTsError (INVALID_ARGUMENT) if it does not fit the schema. */
export function encodeBinary(typeName: string, message: object): Uint8Array {
  const plan = planOf(messageSchema(typeName));
  pos = 0;
  try {
    writeMessage(plan, message as Record<string, unknown>);
  } catch (e) {
    if (e instanceof CodecFailure) throw new MesosTsError('INVALID_ARGUMENT', `Cannot encode ${typeName}: ${e.describe()}`, { cause: e });
    throw e;
  }
  const result = Buffer.allocUnsafe(pos);
  out.copy(result, 0, 0, pos);
  return result;
}

/** Parses protobuf binary into a message; malformed input is an error value, never a throw. */
export function decodeBinary(typeName: string, bytes: Uint8Array): Result<unknown> {
  const plan = planOf(messageSchema(typeName));
  try {
    return ok(readTopMessage(plan, bytes));
  } catch (e) {
    const reason = e instanceof CodecFailure ? e.describe() : e instanceof Error ? e.message : String(e);
    return err(new MesosTsError('INVALID_ARGUMENT', `Failed to parse ${typeName} from protobuf: ${reason}`, { cause: e }));
  }
}
