/**
 * Arithmetic on entry lists in canonical form: sorted by `compareEntries`,
 * DIVISIBLE and SHARED keys at most once, no empty entries. All functions take
 * canonical lists and return canonical lists, walking both inputs once
 * (O(n + m)); unchanged entries are reused, never copied.
 */
import { Value_Type } from '@mesos-ts/proto';
import * as model from './model';
import * as ranges from './ranges';
import * as sets from './sets';

// Imported bindings are copied into locals once. Transpiled to CommonJS (tsx,
// jest, the CJS bundle for enums from @mesos-ts/proto) every read of an
// imported binding is a getter call; in the per-entry loops below those
// getters were the top item of the profile.
const SCALAR = Value_Type.SCALAR;
const RANGES = Value_Type.RANGES;
const { DIVISIBLE, SHARED, Entry, compareAmounts, compareDetails, compareEntries, mergedMeta } = model;
type Entry = model.Entry;
const { addRanges, containsRanges, equalRanges, subtractRanges } = ranges;
const { containsSet, equalSets, subtractSets, unionSets } = sets;

export type Entries = readonly Entry[];

export const NO_ENTRIES: Entries = Object.freeze([]) as Entries;

function addAmounts(x: Entry, y: Entry): Entry {
  const meta = x.meta === y.meta ? x.meta : mergedMeta(x.meta, y.meta);
  const t = meta.type;
  if (t === SCALAR) return new Entry(meta, x.key, x.fixed + y.fixed, x.flat, x.items, 1);
  if (t === RANGES) return new Entry(meta, x.key, 0, addRanges(x.flat, y.flat), x.items, 1);
  return new Entry(meta, x.key, 0, x.flat, unionSets(x.items, y.items), 1);
}

/** Two shared entries with equal keys: one entry holding both's copies. */
function addCopies(x: Entry, y: Entry): Entry {
  return new Entry(mergedMeta(x.meta, y.meta), x.key, x.fixed, x.flat, x.items, x.count + y.count);
}

/** x - y, or undefined when nothing is left (Mesos drops negative and empty results). */
function subtractAmounts(x: Entry, y: Entry): Entry | undefined {
  const t = x.meta.type;
  if (t === SCALAR) {
    const left = x.fixed - y.fixed;
    return left > 0 ? new Entry(x.meta, x.key, left, x.flat, x.items, 1) : undefined;
  }
  if (t === RANGES) {
    const left = subtractRanges(x.flat, y.flat);
    return left.length === 0 ? undefined : left === x.flat ? x : new Entry(x.meta, x.key, 0, left, x.items, 1);
  }
  const left = subtractSets(x.items, y.items);
  return left.length === 0 ? undefined : left === x.items ? x : new Entry(x.meta, x.key, 0, x.flat, left, 1);
}

function containsAmount(x: Entry, y: Entry): boolean {
  const t = x.meta.type;
  if (t === SCALAR) return y.fixed <= x.fixed;
  if (t === RANGES) return containsRanges(x.flat, y.flat);
  return containsSet(x.items, y.items);
}

export function equalAmounts(x: Entry, y: Entry): boolean {
  const t = x.meta.type;
  if (t === SCALAR) return x.fixed === y.fixed;
  if (t === RANGES) return equalRanges(x.flat, y.flat);
  return equalSets(x.items, y.items);
}

export function add(a: Entries, b: Entries): Entries {
  const na = a.length;
  const nb = b.length;
  if (nb === 0) return a;
  if (na === 0) return b;
  const out: Entry[] = [];
  let i = 0;
  let j = 0;
  while (i < na && j < nb) {
    const x = a[i]!;
    const y = b[j]!;
    const kx = x.key;
    const ky = y.key;
    if (kx === ky) {
      const kind = x.meta.kind;
      if (kind === DIVISIBLE) {
        out.push(addAmounts(x, y));
        i++;
        j++;
      } else if (kind === SHARED) {
        out.push(addCopies(x, y));
        i++;
        j++;
      } else if ((compareAmounts(x, y) || compareDetails(x, y)) <= 0) {
        // Indivisible: both stay, ordered by amount (then details).
        out.push(x);
        i++;
      } else {
        out.push(y);
        j++;
      }
    } else if (kx < ky) {
      out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  while (i < na) out.push(a[i++]!);
  while (j < nb) out.push(b[j++]!);
  return out;
}

export function subtract(a: Entries, b: Entries): Entries {
  const na = a.length;
  const nb = b.length;
  if (nb === 0 || na === 0) return a;
  const out: Entry[] = [];
  let i = 0;
  let j = 0;
  while (i < na && j < nb) {
    const x = a[i]!;
    const y = b[j]!;
    const kx = x.key;
    const ky = y.key;
    if (kx === ky) {
      const kind = x.meta.kind;
      if (kind === DIVISIBLE) {
        const left = subtractAmounts(x, y);
        if (left !== undefined) out.push(left);
        i++;
        j++;
      } else if (kind === SHARED) {
        const left = x.count - y.count;
        if (left > 0) out.push(x.withCount(left));
        i++;
        j++;
      } else {
        // Indivisible: only an exactly equal entry is taken away.
        const c = compareAmounts(x, y);
        if (c === 0) {
          i++;
          j++;
        } else if (c < 0) {
          out.push(x);
          i++;
        } else {
          j++;
        }
      }
    } else if (kx < ky) {
      out.push(x);
      i++;
    } else {
      j++;
    }
  }
  while (i < na) out.push(a[i++]!);
  return out;
}

export function contains(a: Entries, b: Entries): boolean {
  const na = a.length;
  const nb = b.length;
  if (nb === 0) return true;
  if (nb > na) {
    // Only indivisible duplicates could make b longer than a and still fit,
    // and they need as many entries in a; so b cannot fit.
    return false;
  }
  let i = 0;
  for (let j = 0; j < nb; j++) {
    const y = b[j]!;
    const ky = y.key;
    let x = a[i];
    while (x !== undefined && x.key !== ky && x.key < ky) x = a[++i];
    if (x === undefined || x.key !== ky) return false;
    const kind = x.meta.kind;
    if (kind === DIVISIBLE) {
      if (!containsAmount(x, y)) return false;
    } else if (kind === SHARED) {
      if (x.count < y.count) return false;
    } else {
      // Indivisible: find an exactly equal entry among a's entries with this
      // key; each one in a can match only one in b.
      let c = compareAmounts(x, y);
      while (c < 0) {
        x = a[++i];
        if (x === undefined || x.key !== ky) return false;
        c = compareAmounts(x, y);
      }
      if (c !== 0) return false;
    }
    i++;
  }
  return true;
}

export function equals(a: Entries, b: Entries): boolean {
  if (a === b) return true;
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (x.key !== y.key || x.count !== y.count || !equalAmounts(x, y)) return false;
  }
  return true;
}

/** Brings any list of non-empty entries into canonical form (sort, then merge equal keys). */
export function normalise(entries: Entry[]): Entries {
  const n = entries.length;
  if (n === 0) return NO_ENTRIES;
  let canonical = true;
  for (let i = 1; i < n; i++) {
    const x = entries[i - 1]!;
    const y = entries[i]!;
    if (x.key < y.key) continue;
    if (x.key === y.key && x.meta.kind !== DIVISIBLE && x.meta.kind !== SHARED && (compareAmounts(x, y) || compareDetails(x, y)) <= 0) continue;
    canonical = false;
    break;
  }
  if (canonical) return entries;
  entries.sort(compareEntries);
  const out: Entry[] = [entries[0]!];
  for (let i = 1; i < n; i++) {
    const y = entries[i]!;
    const x = out[out.length - 1]!;
    if (x.key === y.key) {
      const kind = x.meta.kind;
      if (kind === DIVISIBLE) {
        out[out.length - 1] = addAmounts(x, y);
        continue;
      }
      if (kind === SHARED) {
        out[out.length - 1] = addCopies(x, y);
        continue;
      }
    }
    out.push(y);
  }
  return out;
}

/** Keeps entries for which `keep` holds; a filtered canonical list stays canonical. */
export function filter(a: Entries, keep: (e: Entry) => boolean): Entries {
  let out: Entry[] | undefined;
  for (let i = 0; i < a.length; i++) {
    const e = a[i]!;
    if (keep(e)) {
      if (out !== undefined) out.push(e);
    } else if (out === undefined) {
      out = a.slice(0, i);
    }
  }
  return out === undefined ? a : out.length === 0 ? NO_ENTRIES : out;
}
