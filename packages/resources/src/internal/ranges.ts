/**
 * Range arithmetic on a flat representation: `[b0, e0, b1, e1, ...]`, closed
 * intervals, sorted by begin and coalesced, i.e. `b[i+1] > e[i] + 1` (touching
 * intervals such as 1-4 and 5-8 are merged into 1-8, as Mesos's `coalesce`
 * does). Every function here takes and returns arrays in that canonical form
 * and never mutates its inputs, so merges are single linear passes.
 *
 * Bounds are JS numbers in [0, Number.MAX_SAFE_INTEGER]; `e + 1` is then at
 * most 2^53, still exact.
 */

export type FlatRanges = readonly number[];

export const EMPTY_RANGES: FlatRanges = Object.freeze([]) as FlatRanges;

/**
 * Canonicalises arbitrary closed intervals given as a flat array (unsorted,
 * overlapping or touching). Precondition: begin <= end for every pair.
 */
export function coalesce(flat: readonly number[]): number[] {
  const n = flat.length >> 1;
  if (n === 0) return [];
  if (n === 1) return [flat[0]!, flat[1]!];
  // Already canonical? Common for data we produced ourselves.
  let sorted = true;
  for (let i = 2; i < flat.length; i += 2) {
    if (flat[i]! <= flat[i - 1]! + 1) {
      sorted = false;
      break;
    }
  }
  if (sorted) return flat.slice();
  const order: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((x, y) => flat[2 * x]! - flat[2 * y]! || flat[2 * x + 1]! - flat[2 * y + 1]!);
  const out: number[] = [];
  let begin = flat[2 * order[0]!]!;
  let end = flat[2 * order[0]! + 1]!;
  for (let k = 1; k < n; k++) {
    const b = flat[2 * order[k]!]!;
    const e = flat[2 * order[k]! + 1]!;
    if (b <= end + 1) {
      if (e > end) end = e;
    } else {
      out.push(begin, end);
      begin = b;
      end = e;
    }
  }
  out.push(begin, end);
  return out;
}

/** Union of two canonical range lists. */
export function addRanges(a: FlatRanges, b: FlatRanges): FlatRanges {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  let begin: number;
  let end: number;
  if (a[0]! <= b[0]!) {
    begin = a[0]!;
    end = a[1]!;
    i = 2;
  } else {
    begin = b[0]!;
    end = b[1]!;
    j = 2;
  }
  while (i < a.length || j < b.length) {
    let nb: number;
    let ne: number;
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
      nb = a[i]!;
      ne = a[i + 1]!;
      i += 2;
    } else {
      nb = b[j]!;
      ne = b[j + 1]!;
      j += 2;
    }
    if (nb <= end + 1) {
      if (ne > end) end = ne;
    } else {
      out.push(begin, end);
      begin = nb;
      end = ne;
    }
  }
  out.push(begin, end);
  return out;
}

/** `a` minus `b` (set difference); never fails, parts of `b` not in `a` are ignored. */
export function subtractRanges(a: FlatRanges, b: FlatRanges): FlatRanges {
  if (a.length === 0 || b.length === 0) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  let begin = a[0]!;
  let end = a[1]!;
  while (i < a.length) {
    if (j >= b.length) {
      out.push(begin, end);
      i += 2;
      if (i < a.length) {
        begin = a[i]!;
        end = a[i + 1]!;
      }
      continue;
    }
    const rb = b[j]!;
    const re = b[j + 1]!;
    if (re < begin) {
      // b interval entirely before the current piece of a.
      j += 2;
    } else if (rb > end) {
      // b interval entirely after: the current piece survives whole.
      out.push(begin, end);
      i += 2;
      if (i < a.length) {
        begin = a[i]!;
        end = a[i + 1]!;
      }
    } else {
      // Overlap. Keep what sticks out on the left, carry on with the right.
      if (rb > begin) out.push(begin, rb - 1);
      if (re < end) {
        begin = re + 1;
        j += 2;
      } else {
        i += 2;
        if (i < a.length) {
          begin = a[i]!;
          end = a[i + 1]!;
        }
      }
    }
  }
  return out;
}

/** Whether every value in `b` is in `a`. */
export function containsRanges(a: FlatRanges, b: FlatRanges): boolean {
  if (b.length === 0) return true;
  if (a.length === 0) return false;
  let i = 0;
  for (let j = 0; j < b.length; j += 2) {
    const rb = b[j]!;
    const re = b[j + 1]!;
    while (i < a.length && a[i + 1]! < rb) i += 2;
    if (i >= a.length) return false;
    // a is coalesced, so b's interval must sit inside this one interval.
    if (a[i]! > rb || a[i + 1]! < re) return false;
  }
  return true;
}

export function equalRanges(a: FlatRanges, b: FlatRanges): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic order, used only to order indivisible entries canonically. */
export function compareRanges(a: FlatRanges, b: FlatRanges): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length - b.length;
}

/** How many values the ranges hold (e.g. [1-3, 5-5] holds 4). */
export function countRanges(a: FlatRanges): number {
  let total = 0;
  for (let i = 0; i < a.length; i += 2) total += a[i + 1]! - a[i]! + 1;
  return total;
}

/** Mesos's text form: `[1-3, 5-5]`. */
export function formatRanges(a: FlatRanges): string {
  let text = '[';
  for (let i = 0; i < a.length; i += 2) {
    if (i > 0) text += ', ';
    text += `${a[i]}-${a[i + 1]}`;
  }
  return `${text}]`;
}
