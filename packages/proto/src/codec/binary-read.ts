/**
 * Protobuf binary -> TypeScript messages, the reading half of the direct binary codec (see binary.ts for the
 * rules both halves follow). Reads from module state (the input and a cursor): decoding is synchronous and never
 * re-entered.
 */
import { CodecFailure } from './scalars';
import * as plan from './binary-plan';
import type { FieldPlan, MessagePlan } from './binary-plan';

// Local bindings: unbundled CommonJS (tsx, jest) reaches an imported binding through a getter on every use,
// which on this path cost more than the decoding itself.
const { FIXED32, FIXED64, K, LDELIM, LITTLE_ENDIAN, VARINT, f32, f32Bytes, f64, f64Bytes, messagePlanOf } = plan;

/** `Buffer#utf8Slice`: what `toString('utf8', start, end)` ends in, without its argument handling. */
type Utf8Slicer = Buffer & { utf8Slice(start: number, end: number): string };

let input: Uint8Array = new Uint8Array(0);
let inputBuffer = Buffer.alloc(0) as Utf8Slicer;
let at = 0;
/** The high 32 bits of the last varint read by {@link readVarint}. */
let varintHigh = 0;

function truncated(): never {
  throw new CodecFailure(`truncated message: index out of range at byte ${at} of ${input.length}`);
}

/** Reads a varint of up to 64 bits: returns the low 32 bits (unsigned), leaves the high ones in varintHigh. */
function readVarint(): number {
  const buf = input;
  const len = buf.length;
  let lo = 0;
  let hi = 0;
  let b: number;
  // Bytes 1-4 carry bits 0-27.
  for (let shift = 0; shift < 28; shift += 7) {
    if (at >= len) truncated();
    b = buf[at++]!;
    lo |= (b & 0x7f) << shift;
    if (b < 0x80) {
      varintHigh = 0;
      return lo >>> 0;
    }
  }
  // Byte 5 carries bits 28-34.
  if (at >= len) truncated();
  b = buf[at++]!;
  lo |= (b & 0x0f) << 28;
  hi = (b & 0x7f) >> 4;
  if (b < 0x80) {
    varintHigh = hi;
    return lo >>> 0;
  }
  // Bytes 6-10 carry bits 35-63.
  for (let shift = 3; shift < 32; shift += 7) {
    if (at >= len) truncated();
    b = buf[at++]!;
    hi |= (b & 0x7f) << shift;
    if (b < 0x80) {
      varintHigh = hi >>> 0;
      return lo >>> 0;
    }
  }
  throw new CodecFailure('invalid varint encoding');
}

function readFixed32(): number {
  if (at + 4 > input.length) truncated();
  const buf = input;
  const v = (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
  at += 4;
  return v;
}

function readDouble(): number {
  if (at + 8 > input.length) truncated();
  if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) f64Bytes[i] = input[at++]!;
  else for (let i = 7; i >= 0; i--) f64Bytes[i] = input[at++]!;
  return f64[0]!;
}

function readFloat(): number {
  if (at + 4 > input.length) truncated();
  if (LITTLE_ENDIAN) for (let i = 0; i < 4; i++) f32Bytes[i] = input[at++]!;
  else for (let i = 3; i >= 0; i--) f32Bytes[i] = input[at++]!;
  return f32[0]!;
}

/** Reads a length prefix and returns where the delimited bytes end. */
function readLengthEnd(): number {
  const length = readVarint();
  if (varintHigh !== 0 || at + length > input.length) truncated();
  return at + length;
}

function bigFromHalves(lo: number, hi: number): bigint {
  return hi === 0 ? BigInt(lo) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function skip(wireType: number): void {
  switch (wireType) {
    case VARINT:
      readVarint();
      return;
    case FIXED64:
      if (at + 8 > input.length) truncated();
      at += 8;
      return;
    case LDELIM:
      at = readLengthEnd();
      return;
    case 3:
      // A group: skip fields up to its end marker.
      for (;;) {
        const tag = readVarint();
        if ((tag & 7) === 4) return;
        skip(tag & 7);
      }
    case FIXED32:
      if (at + 4 > input.length) truncated();
      at += 4;
      return;
    default:
      throw new CodecFailure(`invalid wire type ${wireType} at byte ${at}`);
  }
}

/** Marks a value dropped on decode (an enum number the schema does not define). */
const DROP = Symbol('drop');

function readValue(f: FieldPlan): unknown {
  switch (f.k) {
    case K.Message: {
      const end = readLengthEnd();
      return readMessage(messagePlanOf(f), end);
    }
    case K.String: {
      const end = readLengthEnd();
      const start = at;
      at = end;
      return inputBuffer.utf8Slice(start, end);
    }
    case K.Bytes: {
      const end = readLengthEnd();
      const start = at;
      at = end;
      // A copy, never a view that would keep the whole input alive (and change with it); a Buffer, as the
      // generated types (ts-proto, env=node) promise and as protobufjs returned.
      return Buffer.from(input.subarray(start, end));
    }
    case K.Enum: {
      const v = readVarint() | 0;
      return f.enumNumbers!.has(v) ? v : DROP;
    }
    case K.Int32:
      return readVarint() | 0;
    case K.Uint32:
      return readVarint();
    case K.Sint32: {
      const v = readVarint();
      return ((v >>> 1) ^ -(v & 1)) | 0;
    }
    case K.Bool:
      return readVarint() !== 0 || varintHigh !== 0;
    case K.Double:
      return readDouble();
    case K.Float:
      return readFloat();
    case K.Fixed32:
      return readFixed32();
    case K.Sfixed32:
      return readFixed32() | 0;
    case K.Uint64: {
      const lo = readVarint();
      return bigFromHalves(lo, varintHigh);
    }
    case K.Int64: {
      const lo = readVarint();
      return varintHigh === 0 ? BigInt(lo) : BigInt.asIntN(64, bigFromHalves(lo, varintHigh));
    }
    case K.Sint64: {
      const lo = readVarint();
      const u = bigFromHalves(lo, varintHigh);
      return (u >> 1n) ^ -(u & 1n);
    }
    case K.Fixed64: {
      const lo = readFixed32();
      return bigFromHalves(lo, readFixed32());
    }
    case K.Sfixed64: {
      const lo = readFixed32();
      return BigInt.asIntN(64, bigFromHalves(lo, readFixed32()));
    }
  }
}

/** Whether a repeated field of this kind may come packed (scalars of a fixed or varint wire type). */
function packable(f: FieldPlan): boolean {
  return f.wireType !== LDELIM;
}

function defaultOfKind(f: FieldPlan): unknown {
  switch (f.k) {
    case K.Message:
      return {};
    case K.String:
      return '';
    case K.Bytes:
      return Buffer.alloc(0);
    case K.Bool:
      return false;
    case K.Int64:
    case K.Uint64:
    case K.Sint64:
    case K.Fixed64:
    case K.Sfixed64:
      return 0n;
    case K.Enum:
      return f.enumNumbers!.has(0) ? 0 : DROP;
    default:
      return 0;
  }
}

function readMapEntry(f: FieldPlan, target: Record<string, unknown>, end: number): void {
  const vf = f.mapValue!;
  let key = '';
  let value: unknown = DROP;
  let seenValue = false;
  while (at < end) {
    const tag = readVarint();
    const id = tag >>> 3;
    const wireType = tag & 7;
    if (id === 1 && wireType === LDELIM) {
      const keyEnd = readLengthEnd();
      key = inputBuffer.utf8Slice(at, keyEnd);
      at = keyEnd;
    } else if (id === 2 && wireType === vf.wireType) {
      value = readValue(vf);
      seenValue = true;
    } else skip(wireType);
  }
  if (at !== end) truncated();
  if (!seenValue) value = defaultOfKind(vf);
  if (value !== DROP) target[key] = value;
}

function readMessage(messagePlan: MessagePlan, end: number): Record<string, unknown> {
  const message: Record<string, unknown> = {};
  const byId = messagePlan.byId;
  while (at < end) {
    const tag = readVarint();
    const id = tag >>> 3;
    const wireType = tag & 7;
    if (id === 0) throw new CodecFailure(`invalid field number 0 at byte ${at}`);
    const f = id < byId.length ? byId[id] : undefined;
    if (f === undefined) {
      if (wireType === 4) throw new CodecFailure(`unexpected end of group at byte ${at}`);
      skip(wireType);
      continue;
    }
    if (f.isMap) {
      if (wireType !== LDELIM) throw new CodecFailure(`invalid wire type ${wireType} for map field '${f.name}'`);
      const entryEnd = readLengthEnd();
      const map = (message[f.tsName] ??= {}) as Record<string, unknown>;
      readMapEntry(f, map, entryEnd);
      continue;
    }
    if (f.repeated) {
      let list = message[f.tsName] as unknown[] | undefined;
      if (wireType === LDELIM && packable(f)) {
        const packedEnd = readLengthEnd();
        while (at < packedEnd) {
          const v = readValue(f);
          if (v !== DROP) (list ??= message[f.tsName] = [] as unknown[]).push(v);
        }
        if (at !== packedEnd) truncated();
        continue;
      }
      if (wireType !== f.wireType) throw new CodecFailure(`invalid wire type ${wireType} for field '${f.name}'`);
      const v = readValue(f);
      if (v !== DROP) (list ??= message[f.tsName] = [] as unknown[]).push(v);
      continue;
    }
    if (wireType !== f.wireType) throw new CodecFailure(`invalid wire type ${wireType} for field '${f.name}'`);
    const v = readValue(f);
    // The last occurrence wins, an undefined enum number included (which leaves the field absent).
    if (v === DROP) delete message[f.tsName];
    else message[f.tsName] = v;
  }
  if (at !== end) truncated();
  const required = messagePlan.required;
  for (let i = 0; i < required.length; i++) {
    const f = required[i]!;
    if (message[f.tsName] === undefined) throw new CodecFailure(`missing required '${f.name}' of ${messagePlan.schema.fullName}`);
  }
  // An empty map is the same as an absent one.
  if (messagePlan.hasMap) {
    for (const f of messagePlan.byNumber) {
      const m = message[f.tsName];
      if (f.isMap && m !== undefined && Object.keys(m as object).length === 0) delete message[f.tsName];
    }
  }
  return message;
}


const EMPTY = new Uint8Array(0);
const EMPTY_BUFFER = Buffer.alloc(0) as Utf8Slicer;

/** Reads `bytes` as one message of `top`. Throws CodecFailure (or a RangeError) on malformed input. */
export function readTopMessage(top: MessagePlan, bytes: Uint8Array): Record<string, unknown> {
  input = bytes;
  inputBuffer = (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as Utf8Slicer;
  at = 0;
  try {
    return readMessage(top, bytes.length);
  } finally {
    // Do not keep the caller's bytes alive.
    input = EMPTY;
    inputBuffer = EMPTY_BUFFER;
  }
}
