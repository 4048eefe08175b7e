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

  constructor(options: RandomSorterOptions = {}) {
    super(options.pool ?? new ResourcePool());
    this.random = options.random ?? Math.random;
  }

  /** Accepted for the interface; the random sorter has no shares to exclude names from. */
  initialize(_fairnessExcludeResourceNames?: Iterable<string>): void {}

  /** The active clients in a new weighted random order (a new array on every call). */
  /** The shuffled order (a random sorter has nothing to gain from laziness). */
  walk(): Iterator<string> {
    return this.sort()[Symbol.iterator]();
  }

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
