/**
 * Mutable scalar quantities for the allocator's bookkeeping: name -> amount
 * in thousandths (Mesos's fixed point), so sums and differences are exact.
 * The immutable `ResourceQuantities` of @mesos-ts/resources is the public
 * face; this is what hot paths update in place.
 */
import { ResourceQuantities, type Resources } from '@mesos-ts/resources';

export type QMap = Map<string, number>;

export function toThousandths(value: number): number {
  return Math.round(value * 1000);
}

/** Adds `delta` thousandths of `name`; entries that reach zero or below disappear. */
export function addTo(map: QMap, name: string, delta: number): void {
  const v = (map.get(name) ?? 0) + delta;
  if (v > 0) map.set(name, v);
  else map.delete(name);
}

export function addAll(map: QMap, other: QMap, sign: 1 | -1 = 1): void {
  for (const [name, v] of other) addTo(map, name, sign * v);
}

export function toQuantities(map: QMap): ResourceQuantities {
  const pairs: Array<[string, number]> = [];
  for (const [name, v] of map) if (v > 0) pairs.push([name, v / 1000]);
  return ResourceQuantities.of(pairs);
}

export function fromQuantities(q: ResourceQuantities): QMap {
  const map: QMap = new Map();
  for (const [name, v] of q) addTo(map, name, toThousandths(v));
  return map;
}
