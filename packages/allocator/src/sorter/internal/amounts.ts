/**
 * Scalar amounts as the sorters keep them: dense, mutable arrays of integer
 * thousandths indexed by an interned resource name. A sorter node adds and
 * subtracts these in place on every allocation change, instead of building a
 * new immutable `ResourceQuantities` per call.
 *
 * Amounts are fixed-point (thousandths), like Mesos's scalar arithmetic, so a
 * long chain of additions and subtractions returns exactly to where it
 * started and equal allocations always give equal shares.
 */
import { ResourceQuantities, Resources } from '@mesos-ts/resources';

// Resource names are few and the same across sorters, so one process-wide
// table serves them all (and lets the delta cache below work across sorters).
const indexByName = new Map<string, number>();
const nameByIndex: string[] = [];

/** The index of `name` in every amounts array (assigned on first use). */
export function internName(name: string): number {
  let i = indexByName.get(name);
  if (i === undefined) {
    i = nameByIndex.length;
    nameByIndex.push(name);
    indexByName.set(name, i);
  }
  return i;
}

/** Amounts of a few names, in thousandths: `amount[k]` of name index `index[k]`. */
export interface SparseAmounts {
  readonly index: readonly number[];
  readonly amount: readonly number[];
}

const NO_AMOUNTS: SparseAmounts = { index: [], amount: [] };

/** Converts quantities to sparse thousandths. */
export function sparseOf(quantities: ResourceQuantities): SparseAmounts {
  if (quantities.isEmpty()) return NO_AMOUNTS;
  const index: number[] = [];
  const amount: number[] = [];
  for (const [name, value] of quantities) {
    index.push(internName(name));
    amount.push(Math.round(value * 1000));
  }
  return { index, amount };
}

/** `dense += sign * sparse`, growing `dense` as needed (it never has holes). */
export function addInto(dense: number[], sparse: SparseAmounts, sign: 1 | -1): void {
  const index = sparse.index;
  const amount = sparse.amount;
  for (let k = 0; k < index.length; k++) {
    const i = index[k]!;
    while (dense.length <= i) dense.push(0);
    dense[i] = dense[i]! + sign * amount[k]!;
  }
}

/** `dense -= other` for two dense arrays. */
export function subtractDense(dense: number[], other: readonly number[]): void {
  while (dense.length < other.length) dense.push(0);
  for (let i = 0; i < other.length; i++) dense[i] = dense[i]! - other[i]!;
}

/** Thousandths to the double Mesos would hold (integer part and fraction converted apart, as Mesos does). */
export function toDouble(fixed: number): number {
  const whole = Math.trunc(fixed / 1000);
  return whole + (fixed - whole * 1000) / 1000;
}

/** A dense amounts array as `ResourceQuantities` (only positive amounts). */
export function quantitiesOf(dense: readonly number[]): ResourceQuantities {
  const pairs: [string, number][] = [];
  for (let i = 0; i < dense.length; i++) {
    const f = dense[i]!;
    if (f > 0) pairs.push([nameByIndex[i]!, toDouble(f)]);
  }
  return pairs.length === 0 ? ResourceQuantities.EMPTY : ResourceQuantities.of(pairs);
}

/**
 * What an allocation change does to a node's amounts: the scalar amounts of
 * the non-shared resources, which always add up, and the shared resources,
 * which count once per node and agent however many copies are held (so their
 * effect depends on what the node already holds on that agent).
 */
export interface Delta {
  readonly plain: SparseAmounts;
  /** The shared part; undefined in the common case of none. */
  readonly shared: Resources | undefined;
}

// The allocator hands the same Resources object to the role sorter and then
// to the framework sorter (and benchmarks reuse one object), so remembering
// the last conversion saves most of them. Resources are immutable, so an
// identity match is always valid.
let lastResources: Resources | undefined;
let lastDelta: Delta = { plain: NO_AMOUNTS, shared: undefined };

/** The {@link Delta} of `resources`. */
export function deltaOf(resources: Resources): Delta {
  if (resources === lastResources) return lastDelta;
  let hasShared = false;
  for (const entry of resources) {
    if (entry.shared) {
      hasShared = true;
      break;
    }
  }
  const delta: Delta = hasShared
    ? { plain: sparseOf(resources.nonShared().scalarQuantities()), shared: resources.shared() }
    : { plain: sparseOf(resources.scalarQuantities()), shared: undefined };
  lastResources = resources;
  lastDelta = delta;
  return delta;
}

/** Scalar amounts of shared resources, each distinct resource once whatever its copy count. */
export function sharedAmounts(shared: Resources): SparseAmounts {
  // Resources.scalarQuantities counts an entry once, not once per copy.
  return sparseOf(shared.scalarQuantities());
}

export const EMPTY_RESOURCES = Resources.EMPTY;
