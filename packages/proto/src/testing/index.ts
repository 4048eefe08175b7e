/**
 * Test helpers for code that handles Mesos messages: a generator of random,
 * schema-valid messages of any type (for round-trip, fuzz and property tests).
 */
import { messageSchema, isLongKind, type FieldSchema } from '../codec/schema';
import { intRange } from '../codec/scalars';
import type { MessageName, MessageTypes } from '../gen/messages';

/** A small, seedable PRNG (mulberry32) so failures reproduce from their seed. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomMessageOptions {
  /** Nesting depth below which optional message fields are left unset. Default 4. */
  readonly maxDepth?: number;
  /** Probability that an optional field is set. Default 0.5. */
  readonly fieldProbability?: number;
  /** Largest number of elements in a repeated field or map. Default 3. */
  readonly maxRepeated?: number;
}

const CHARS = ['a', 'Z', '0', ' ', '_', '-', '/', '"', '\\', '\n', '\t', 'é', 'ß', '中', '文', '😀', '\u0001', '\u2028'];

/** Generates a random message of `type` that satisfies the schema (required fields set, enums valid). */
export function randomMessage<N extends MessageName>(type: N, rng: () => number, options: RandomMessageOptions = {}): MessageTypes[N] {
  const gen = new Generator(rng, options);
  return gen.message(type, 0) as MessageTypes[N];
}

class Generator {
  private readonly maxDepth: number;
  private readonly p: number;
  private readonly maxRepeated: number;

  constructor(
    private readonly rng: () => number,
    options: RandomMessageOptions,
  ) {
    this.maxDepth = options.maxDepth ?? 4;
    this.p = options.fieldProbability ?? 0.5;
    this.maxRepeated = options.maxRepeated ?? 3;
  }

  private int(n: number): number {
    return Math.floor(this.rng() * n);
  }

  message(type: string, depth: number): Record<string, unknown> {
    const schema = messageSchema(type);
    const out: Record<string, unknown> = {};
    for (const field of schema.fields) {
      const deep = field.kind === 'message' && depth >= this.maxDepth;
      if (!field.required && (deep || this.rng() >= this.p)) continue;
      if (field.mapKey !== undefined) {
        const m: Record<string, unknown> = {};
        const n = 1 + this.int(this.maxRepeated);
        for (let i = 0; i < n; i++) m[this.string()] = this.value(field, depth);
        out[field.tsName] = m;
      } else if (field.repeated) {
        const n = 1 + this.int(this.maxRepeated);
        out[field.tsName] = Array.from({ length: n }, () => this.value(field, depth));
      } else {
        out[field.tsName] = this.value(field, depth);
      }
    }
    return out;
  }

  private string(): string {
    const n = this.int(8);
    let s = '';
    for (let i = 0; i < n; i++) s += CHARS[this.int(CHARS.length)];
    return s;
  }

  private value(field: FieldSchema, depth: number): unknown {
    switch (field.kind) {
      case 'message':
        return this.message(field.messageType?.().fullName ?? '', depth + 1);
      case 'enum': {
        const values = [...(field.enumType?.byNumber.keys() ?? [])];
        return values[this.int(values.length)];
      }
      case 'string':
        return this.string();
      case 'bytes':
        return Uint8Array.from({ length: this.int(6) }, () => this.int(256));
      case 'bool':
        return this.rng() < 0.5;
      case 'double':
        return this.double();
      case 'float':
        return Math.fround(this.double());
      default: {
        const range = intRange(field.kind);
        if (!range) throw new Error(`no range for ${field.kind}`);
        const [lo, hi] = range;
        const pick = this.int(5);
        // Edges are where encodings break: both ends, zero, and a random middle.
        let v: bigint;
        if (pick === 0) v = lo;
        else if (pick === 1) v = hi;
        else if (pick === 2) v = lo < 0n ? 0n : lo;
        else v = lo + (BigInt(Math.floor(this.rng() * 2 ** 52)) * (hi - lo)) / 2n ** 52n;
        return isLongKind(field.kind) ? v : Number(v);
      }
    }
  }

  private double(): number {
    switch (this.int(5)) {
      case 0:
        return this.int(2000) - 1000;
      case 1:
        return (this.rng() - 0.5) * 1e-9;
      case 2:
        return (this.rng() - 0.5) * 1e300;
      case 3:
        return 0;
      default:
        return Math.round((this.rng() - 0.5) * 1e6) / 1000;
    }
  }
}
