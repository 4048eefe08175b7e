/**
 * The random sorter: Mesos 1.11's `RandomSorter` (src/master/allocator/mesos/
 * sorter/random/). It keeps the same client tree and allocation bookkeeping as
 * the DRF sorter, but `sort()` ignores allocations: it returns the active
 * clients in a weighted random order, a fresh order on every call.
 *
 * The weight of a client is relative to the tree: the root has relative
 * weight 1, and an active node gets its parent's relative weight times its
 * own weight divided by the sum of the weights of its active siblings (itself
 * included). An internal node is active when an active leaf is below it; a
 * virtual leaf `a/.` has weight 1 (its own path), while the weight of `a`
 * applies to the internal node `a`. The (clients, relative weights) list is
 * cached until clients are added, removed, (de)activated or re-weighted.
 */
import { ResourcePool } from './sorter';
import * as tree from './internal/tree';
import { type Node, TreeSorter } from './internal/tree';
import * as shuffle from './internal/weighted-shuffle';

// Imported bindings copied into locals (see drf-sorter.ts).
const { ACTIVE_LEAF, INACTIVE_LEAF } = tree;
const { weightedShuffle } = shuffle;

/** Options of {@link RandomSorter}. */
export interface RandomSorterOptions {
  /** The pool `addAgent`/`removeAgent` maintain (the random sorter never reads it). Default: a private pool. */
  readonly pool?: ResourcePool | undefined;
  /** Uniform numbers in [0, 1); default `Math.random`. Pass a seeded generator for reproducible orders. */
  readonly random?: (() => number) | undefined;
}

/** Weighted random ordering of clients, as Mesos's random sorter. */
export class RandomSorter extends TreeSorter {
  private readonly random: () => number;
  private dirty = true;
  private clientList: string[] = [];
  private weightList: number[] = [];
  /** Prefix sums of `weightList`, for drawing by binary search. */
  private cumulative = new Float64Array(0);

  constructor(options: RandomSorterOptions = {}) {
    super(options.pool ?? new ResourcePool());
    this.random = options.random ?? Math.random;
  }

  /** Accepted for the interface; the random sorter has no shares to exclude names from. */
  initialize(_fairnessExcludeResourceNames?: Iterable<string>): void {}

  /** The order ignores allocations, so walks survive their changes. */
  readonly stableWalk = true;

  /**
   * A weighted random order drawn lazily, one client at a time, proportional
   * to weight among those not drawn yet: the same distribution as `sort()`'s
   * shuffle, at O(log n) a draw instead of O(n log n) up front, which matters
   * when a caller stops after a few (the allocator, per agent). Allocations do
   * not change the weights, so the walk stays valid while they change.
   */
  walk(): Iterator<string> {
    if (this.dirty) this.computeRelativeWeights();
    return new WeightedWalk(this.clientList, this.cumulative, this.random);
  }

  /** The active clients in a new weighted random order (a new array on every call). */
  sort(): readonly string[] {
    if (this.dirty) this.computeRelativeWeights();
    return weightedShuffle(this.clientList, this.weightList, this.random);
  }

  /** The active clients with their relative weights, in tree order (for explanations and tests). */
  relativeWeights(): ReadonlyMap<string, number> {
    if (this.dirty) this.computeRelativeWeights();
    const out = new Map<string, number>();
    for (let i = 0; i < this.clientList.length; i++) out.set(this.clientList[i]!, this.weightList[i]!);
    return out;
  }

  // ------------------------------------------------------------------ hooks

  protected insertActive(parent: Node, node: Node): void {
    parent.active.push(node);
  }

  protected removeActive(parent: Node, node: Node): void {
    const list = parent.active;
    const at = list.indexOf(node);
    const last = list.pop()!;
    if (last !== node) list[at] = last; // order is irrelevant here
  }

  protected allocationChanged(_node: Node): void {}

  protected weightChanged(_node: Node): void {
    this.dirty = true;
  }

  protected structureChanged(): void {
    this.dirty = true;
  }

  // -------------------------------------------------------------- internals

  private computeRelativeWeights(): void {
    const clients: string[] = [];
    const weights: number[] = [];
    const activeBelow = new Set<Node>();
    markActive(this.root, activeBelow);
    const isActive = (node: Node): boolean => node.kind === ACTIVE_LEAF || activeBelow.has(node);

    const visit = (node: Node, siblingWeights: number, parentRelative: number): void => {
      const relative = (parentRelative * node.weight) / (node.weight + siblingWeights);
      if (node.kind === ACTIVE_LEAF) {
        clients.push(node.client);
        weights.push(relative);
        return;
      }
      let total = 0;
      for (const child of node.active) if (isActive(child)) total += child.weight;
      for (const child of node.active) if (isActive(child)) visit(child, total - child.weight, relative);
    };
    if (activeBelow.has(this.root)) visit(this.root, 0, 1);

    this.clientList = clients;
    this.weightList = weights;
    const cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) cumulative[i] = sum += weights[i]!;
    this.cumulative = cumulative;
    this.dirty = false;
  }
}

/** Adds to `out` every internal node with an active leaf below it; returns whether `node` has one. */
function markActive(node: Node, out: Set<Node>): boolean {
  if (node.kind === ACTIVE_LEAF) return true;
  if (node.kind === INACTIVE_LEAF) return false;
  let any = false;
  for (const child of node.active) if (markActive(child, out)) any = true;
  if (any) out.add(node);
  return any;
}

/**
 * Sequential weighted sampling without replacement: draw from the full
 * distribution by binary search on the prefix sums and redraw when the item
 * was drawn before (equivalent to drawing among the remaining items). When
 * redraws get frequent (most items drawn), the rest is finished with one
 * weighted shuffle of what is left.
 */
class WeightedWalk implements Iterator<string> {
  private readonly drawn: Uint8Array;
  private count = 0;
  private rest: string[] | undefined;
  private restAt = 0;

  constructor(
    private readonly clients: readonly string[],
    private readonly cumulative: Float64Array,
    private readonly random: () => number,
  ) {
    this.drawn = new Uint8Array(clients.length);
  }

  next(): IteratorResult<string> {
    const n = this.clients.length;
    if (this.rest !== undefined) {
      return this.restAt < this.rest.length ? { done: false, value: this.rest[this.restAt++]! } : { done: true, value: undefined };
    }
    if (this.count >= n) return { done: true, value: undefined };
    const total = this.cumulative[n - 1]!;
    for (let attempt = 0; attempt < 8; attempt++) {
      const u = this.random() * total;
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.cumulative[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      if (this.drawn[lo] === 0) {
        this.drawn[lo] = 1;
        this.count++;
        return { done: false, value: this.clients[lo]! };
      }
    }
    // Mostly drawn already: shuffle what is left, weighted, and go on from there.
    const items: string[] = [];
    const weights: number[] = [];
    for (let i = 0; i < n; i++) {
      if (this.drawn[i] !== 0) continue;
      items.push(this.clients[i]!);
      weights.push(this.cumulative[i]! - (i > 0 ? this.cumulative[i - 1]! : 0));
    }
    this.rest = weightedShuffle(items, weights, this.random);
    return this.next();
  }
}
