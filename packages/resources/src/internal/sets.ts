/**
 * Set arithmetic on sorted arrays of distinct strings (sorted by UTF-16 code
 * units, the default JS order). Inputs are never mutated.
 */

export type SortedSet = readonly string[];

export const EMPTY_SET: SortedSet = Object.freeze([]) as SortedSet;

/** Sorts and de-duplicates. */
export function toSortedSet(items: readonly string[]): string[] {
  const copy = items.slice().sort();
  let w = 0;
  for (let r = 0; r < copy.length; r++) {
    if (r === 0 || copy[r] !== copy[w - 1]) copy[w++] = copy[r]!;
  }
  copy.length = w;
  return copy;
}

export function unionSets(a: SortedSet, b: SortedSet): SortedSet {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) {
      out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

export function subtractSets(a: SortedSet, b: SortedSet): SortedSet {
  if (a.length === 0 || b.length === 0) return a;
  const out: string[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    if (j < b.length && b[j] === x) continue;
    out.push(x);
  }
  return out;
}

export function containsSet(a: SortedSet, b: SortedSet): boolean {
  if (b.length > a.length) return false;
  let i = 0;
  for (let j = 0; j < b.length; j++) {
    const y = b[j]!;
    while (i < a.length && a[i]! < y) i++;
    if (i >= a.length || a[i] !== y) return false;
    i++;
  }
  return true;
}

export function equalSets(a: SortedSet, b: SortedSet): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function compareSets(a: SortedSet, b: SortedSet): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Mesos's text form: `{a, b}`. */
export function formatSet(a: SortedSet): string {
  return `{${a.join(', ')}}`;
}
