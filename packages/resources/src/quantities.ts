import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { Value_Type } from '@mesos-ts/proto';
import type { Entries } from './internal/algebra';
import * as fixed from './internal/fixed';
import * as ranges from './internal/ranges';
import { parseValueText, semicolonTokens } from './internal/text';
import type { Resources } from './resources';

type Pairs = { names: string[]; fixed: number[] };

function parsePairs(text: string, what: 'quantity' | 'limit', keepZero: boolean): Result<Pairs> {
  const pairs: Pairs = { names: [], fixed: [] };
  const fail = (reason: string, token: string, offset: number): Result<never> =>
    err(new MesosTsError('INVALID_ARGUMENT', `Invalid resource ${what === 'quantity' ? 'quantities' : 'limits'}: ${reason}: '${token}' at offset ${offset}`));
  for (const { token, offset } of semicolonTokens(text)) {
    const colon = token.indexOf(':');
    if (colon < 0 || token.indexOf(':', colon + 1) >= 0) return fail("missing or extra ':'", token, offset);
    const name = token.slice(0, colon).trim();
    if (name.length === 0) return fail('empty resource name', token, offset);
    const parsed = parseValueText(token.slice(colon + 1), offset + colon + 1);
    if (!parsed.ok) return fail(parsed.failure.reason, parsed.failure.token, parsed.failure.offset);
    const value = parsed.value;
    if (value.kind !== 'scalar') return fail(`only scalar values are allowed in a ${what}`, token.slice(colon + 1), offset + colon + 1);
    const problem = checkScalar(value.value);
    if (problem !== undefined) return fail(problem, token.slice(colon + 1), offset + colon + 1);
    const fixed = toFixed(value.value);
    const at = findName(pairs.names, name);
    if (what === 'limit' && at >= 0) return fail('duplicate names are not allowed', token, offset);
    if (fixed === 0 && !keepZero) continue;
    if (at >= 0) pairs.fixed[at]! += fixed;
    else insert(pairs, name, fixed);
  }
  return ok(pairs);
}

function findName(names: readonly string[], name: string): number {
  // Small, sorted arrays: a linear scan beats a binary search here.
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (n === name) return i;
    if (n > name) return -1;
  }
  return -1;
}

function insert(pairs: Pairs, name: string, fixed: number): void {
  let i = 0;
  while (i < pairs.names.length && pairs.names[i]! < name) i++;
  pairs.names.splice(i, 0, name);
  pairs.fixed.splice(i, 0, fixed);
}

function fromRecord(record: Readonly<Record<string, number>> | Iterable<readonly [string, number]>, keepZero: boolean, what: string): Pairs {
  const pairs: Pairs = { names: [], fixed: [] };
  const items: Iterable<readonly [string, number]> = Symbol.iterator in record ? (record as Iterable<readonly [string, number]>) : Object.entries(record);
  for (const [name, value] of items) {
    const problem = typeof value === 'number' ? checkScalar(value) : 'not a number';
    if (problem !== undefined) throw new MesosTsError('INVALID_ARGUMENT', `Invalid ${what} for '${name}': ${problem}`);
    const fixed = toFixed(value);
    if (fixed === 0 && !keepZero) continue;
    const at = findName(pairs.names, name);
    if (at >= 0) pairs.fixed[at] = keepZero ? fixed : pairs.fixed[at]! + fixed;
    else insert(pairs, name, fixed);
  }
  return pairs;
}

function format(names: readonly string[], fixed: readonly number[]): string {
  if (names.length === 0) return '{}';
  return names.map((n, i) => `${n}:${formatFixed(fixed[i]!)}`).join('; ');
}

// Copied into locals once; see the note in internal/algebra.ts.
const SCALAR = Value_Type.SCALAR;
const RANGES = Value_Type.RANGES;
const { checkScalar, formatFixed, fromFixed, toFixed } = fixed;
const { countRanges } = ranges;

// Module-private access to the classes' internals (amounts in thousandths),
// set up by their static blocks.
let makeQuantities: (names: string[], fixed: number[]) => ResourceQuantities;
/** Amount of `name` in thousandths (0 when absent). Not part of the public API. */
export let quantityFixed: (q: ResourceQuantities, name: string) => number;
/** Limit of `name` in thousandths, undefined for no limit. Not part of the public API. */
export let limitFixed: (l: ResourceLimits, name: string) => number | undefined;

/**
 * Amounts per resource name with no other metadata, e.g. `cpus:4; mem:1024`,
 * as Mesos's `ResourceQuantities` (used for quota, guarantees and
 * bookkeeping). Immutable; names are kept sorted; only positive amounts are
 * held (an absent name means zero). Amounts are fixed-point with 3 decimals.
 */
export class ResourceQuantities implements Iterable<[string, number]> {
  static readonly EMPTY = new ResourceQuantities([], []);

  private constructor(
    private readonly names: readonly string[],
    private readonly fixed: readonly number[],
  ) {}

  /**
   * Parses `name:value;name:value` (scalars only). Zero amounts are dropped;
   * repeated names add up. Fails on negative, NaN, infinite or non-scalar
   * values, naming the token and its offset.
   */
  static fromString(text: string): Result<ResourceQuantities> {
    const parsed = parsePairs(text, 'quantity', false);
    return parsed.ok ? ok(new ResourceQuantities(parsed.value.names, parsed.value.fixed)) : parsed;
  }

  /**
   * From a record or `[name, amount]` pairs; repeated names add up, zeros are dropped.
   * @throws MesosTsError INVALID_ARGUMENT on a negative, NaN or infinite amount.
   */
  static of(record: Readonly<Record<string, number>> | Iterable<readonly [string, number]>): ResourceQuantities {
    const pairs = fromRecord(record, false, 'resource quantity');
    return new ResourceQuantities(pairs.names, pairs.fixed);
  }

  /** Quantities of all resources: scalar amounts, set sizes and range lengths, summed per name (Mesos's `fromResources`). */
  static fromResources(resources: Resources): ResourceQuantities {
    return resources.quantities();
  }

  /** Quantities of the scalar resources only (Mesos's `fromScalarResources`, minus its check that all are scalar). */
  static fromScalarResources(resources: Resources): ResourceQuantities {
    return resources.scalars().quantities();
  }

  /** The sum of many quantities. */
  static sum(items: Iterable<ResourceQuantities>): ResourceQuantities {
    let total = ResourceQuantities.EMPTY;
    for (const q of items) total = total.plus(q);
    return total;
  }

  /** The amount for `name`; 0 when absent. */
  get(name: string): number {
    const i = findName(this.names, name);
    return i < 0 ? 0 : fromFixed(this.fixed[i]!);
  }

  /** Number of names with a non-zero amount. */
  get size(): number {
    return this.names.length;
  }

  /** Whether every amount is zero. */
  isEmpty(): boolean {
    return this.names.length === 0;
  }

  /** `[name, amount]` pairs, sorted by name. */
  *[Symbol.iterator](): Iterator<[string, number]> {
    for (let i = 0; i < this.names.length; i++) yield [this.names[i]!, fromFixed(this.fixed[i]!)];
  }

  /** A plain record `{name: amount}`. */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < this.names.length; i++) out[this.names[i]!] = fromFixed(this.fixed[i]!);
    return out;
  }

  /** Per-name sum. */
  plus(that: ResourceQuantities): ResourceQuantities {
    if (that.names.length === 0) return this;
    if (this.names.length === 0) return that;
    const names: string[] = [];
    const fixed: number[] = [];
    const a = this.names;
    const b = that.names;
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const x = a[i];
      const y = b[j];
      if (y === undefined || (x !== undefined && x < y)) {
        names.push(x!);
        fixed.push(this.fixed[i++]!);
      } else if (x === undefined || y < x) {
        names.push(y);
        fixed.push(that.fixed[j++]!);
      } else {
        names.push(x);
        fixed.push(this.fixed[i++]! + that.fixed[j++]!);
      }
    }
    return new ResourceQuantities(names, fixed);
  }

  /** Per-name difference; names that would become zero or negative are dropped (never negative). */
  minus(that: ResourceQuantities): ResourceQuantities {
    if (that.names.length === 0 || this.names.length === 0) return this;
    const names: string[] = [];
    const fixed: number[] = [];
    const b = that.names;
    let j = 0;
    for (let i = 0; i < this.names.length; i++) {
      const x = this.names[i]!;
      while (j < b.length && b[j]! < x) j++;
      let v = this.fixed[i]!;
      if (j < b.length && b[j] === x) v -= that.fixed[j]!;
      if (v > 0) {
        names.push(x);
        fixed.push(v);
      }
    }
    return new ResourceQuantities(names, fixed);
  }

  /** Whether every name of `that` is here with at least that amount. */
  contains(that: ResourceQuantities): boolean {
    const b = that.names;
    let i = 0;
    for (let j = 0; j < b.length; j++) {
      const y = b[j]!;
      while (i < this.names.length && this.names[i]! < y) i++;
      if (i >= this.names.length || this.names[i] !== y || this.fixed[i]! < that.fixed[j]!) return false;
      i++;
    }
    return true;
  }

  /** Same names with the same amounts. */
  equals(that: ResourceQuantities): boolean {
    if (this.names.length !== that.names.length) return false;
    for (let i = 0; i < this.names.length; i++) {
      if (this.names[i] !== that.names[i] || this.fixed[i] !== that.fixed[i]) return false;
    }
    return true;
  }

  /** `cpus:1; mem:1024`, or `{}` when empty. */
  toString(): string {
    return format(this.names, this.fixed);
  }

  /** How Node's `util.inspect` shows a value. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `ResourceQuantities(${format(this.names, this.fixed)})`;
  }

  static {
    quantityFixed = (q, name) => {
      const i = findName(q.names, name);
      return i < 0 ? 0 : q.fixed[i]!;
    };
    makeQuantities = (names, fixed) => new ResourceQuantities(names, fixed);
  }
}

/** Builds quantities from canonical entries (one count per entry, shared copies not multiplied, as Mesos). */
export function quantitiesOf(entries: Entries): ResourceQuantities {
  const pairs: Pairs = { names: [], fixed: [] };
  // Entries are sorted by name, so equal names are adjacent.
  for (const e of entries) {
    const t = e.meta.type;
    const amount = t === SCALAR ? e.fixed : t === RANGES ? countRanges(e.flat) * 1000 : e.items.length * 1000;
    const last = pairs.names.length - 1;
    if (last >= 0 && pairs.names[last] === e.meta.name) pairs.fixed[last]! += amount;
    else {
      pairs.names.push(e.meta.name);
      pairs.fixed.push(amount);
    }
  }
  return makeQuantities(pairs.names, pairs.fixed);
}


/**
 * Upper bounds per resource name, as Mesos's `ResourceLimits` (quota limits):
 * an absent name means "no limit", and zero is a real limit. Immutable.
 */
export class ResourceLimits implements Iterable<[string, number]> {
  static readonly NONE = new ResourceLimits([], []);

  private constructor(
    private readonly names: readonly string[],
    private readonly fixed: readonly number[],
  ) {}

  /** Parses `name:value;...` (scalars only, zero kept, duplicate names rejected). */
  static fromString(text: string): Result<ResourceLimits> {
    const parsed = parsePairs(text, 'limit', true);
    return parsed.ok ? ok(new ResourceLimits(parsed.value.names, parsed.value.fixed)) : parsed;
  }

  /**
   * From a record or pairs; a repeated name keeps the last value.
   * @throws MesosTsError INVALID_ARGUMENT on a negative, NaN or infinite limit.
   */
  static of(record: Readonly<Record<string, number>> | Iterable<readonly [string, number]>): ResourceLimits {
    const pairs = fromRecord(record, true, 'resource limit');
    return new ResourceLimits(pairs.names, pairs.fixed);
  }

  /** The limit for `name`, or undefined for no limit. */
  get(name: string): number | undefined {
    const i = findName(this.names, name);
    return i < 0 ? undefined : fromFixed(this.fixed[i]!);
  }

  /** Number of limited names. */
  get size(): number {
    return this.names.length;
  }

  /** Whether nothing is limited. */
  isEmpty(): boolean {
    return this.names.length === 0;
  }

  /** `[name, limit]` pairs, sorted by name. */
  *[Symbol.iterator](): Iterator<[string, number]> {
    for (let i = 0; i < this.names.length; i++) yield [this.names[i]!, fromFixed(this.fixed[i]!)];
  }

  /** A plain record `{name: limit}`. */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < this.names.length; i++) out[this.names[i]!] = fromFixed(this.fixed[i]!);
    return out;
  }

  /** Whether these limits are at least as loose as `that` everywhere (no limit beats any limit). */
  contains(that: ResourceLimits): boolean {
    // Every name limited here must be limited in `that` too, and no higher.
    let j = 0;
    for (let i = 0; i < this.names.length; i++) {
      const x = this.names[i]!;
      while (j < that.names.length && that.names[j]! < x) j++;
      if (j >= that.names.length || that.names[j] !== x) return false;
      if (this.fixed[i]! < that.fixed[j]!) return false;
    }
    return true;
  }

  /** Whether `quantities` fit under these limits. */
  containsQuantities(quantities: ResourceQuantities): boolean {
    for (let i = 0; i < this.names.length; i++) {
      if (quantityFixed(quantities, this.names[i]!) > this.fixed[i]!) return false;
    }
    return true;
  }

  /** Limits lowered by `quantities`, floored at zero; unlimited names stay unlimited. */
  minus(quantities: ResourceQuantities): ResourceLimits {
    if (quantities.isEmpty()) return this;
    const fixed = this.fixed.map((f, i) => Math.max(0, f - quantityFixed(quantities, this.names[i]!)));
    return new ResourceLimits(this.names, fixed);
  }

  /** Same names with the same limits. */
  equals(that: ResourceLimits): boolean {
    if (this.names.length !== that.names.length) return false;
    for (let i = 0; i < this.names.length; i++) {
      if (this.names[i] !== that.names[i] || this.fixed[i] !== that.fixed[i]) return false;
    }
    return true;
  }

  /** `cpus:1; mem:0`, or `{}` when nothing is limited. */
  toString(): string {
    return format(this.names, this.fixed);
  }

  /** How Node's `util.inspect` shows a value. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `ResourceLimits(${format(this.names, this.fixed)})`;
  }

  static {
    limitFixed = (l, name) => {
      const i = findName(l.names, name);
      return i < 0 ? undefined : l.fixed[i]!;
    };
  }
}
