/**
 * Weighted random order without replacement (Efraimidis and Spirakis, 2006),
 * as Mesos's `weightedShuffle` (src/master/allocator/mesos/sorter/random/
 * utils.hpp): each item draws U in [0, 1) and gets the key -U^(1/w); sorting
 * by key ascending puts heavier items first more often. O(n log n).
 */
import { MesosTsError } from '@mesos-ts/errors';

/**
 * The items in weighted random order (a new array).
 * @param random uniform numbers in [0, 1).
 * @throws MesosTsError INVALID_ARGUMENT when the lengths differ or a weight is not positive.
 */
export function weightedShuffle<T>(items: readonly T[], weights: readonly number[], random: () => number): T[] {
  const n = items.length;
  if (weights.length !== n) throw new MesosTsError('INVALID_ARGUMENT', `weightedShuffle: ${n} items but ${weights.length} weights`);
  const keys = new Float64Array(n);
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!(w > 0)) throw new MesosTsError('INVALID_ARGUMENT', `weightedShuffle: weight ${w} of item ${i} is not positive`);
    keys[i] = -Math.pow(random(), 1 / w);
    order[i] = i;
  }
  order.sort((a, b) => keys[a]! - keys[b]!);
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = items[order[i]!]!;
  return out;
}
