/**
 * The DRF sorter: Mesos 1.11's `DRFSorter` (src/master/allocator/mesos/
 * sorter/drf/), with incremental maintenance everywhere.
 *
 * At every level of the client tree, siblings are ordered by
 *   1. dominant share ascending: the largest `allocation / total` over the
 *      pool's resource names (except fairness-excluded names and names with
 *      no positive total), divided by the node's weight;
 *   2. allocation count ascending (`allocated()` calls on the subtree, never
 *      decremented), so equal shares take turns;
 *   3. path, lexicographically (a virtual leaf's path ends in `/.`).
 * `sort()` lists the active leaves in pre-order over the sorted levels.
 *
 * Where Mesos marks the whole tree dirty on most changes and re-sorts it on
 * the next `sort()`, this sorter keeps every `active` list sorted at all
 * times: a change to a node's allocation or weight recomputes its share and
 * moves it to its new place (binary search, one block move), for the node and
 * each ancestor. The result of `sort()` is cached until something moves. Only
 * a change of the totals (the pool's `version`) or of the excluded names
 * invalidates every share; they are then recomputed, and every level
 * re-sorted, on the next `sort()` or `share()`.
 */
import { MesosTsError } from '@mesos-ts/errors';
import { ResourcePool } from './sorter';
import * as amounts from './internal/amounts';
import * as tree from './internal/tree';
import { type Node, TreeSorter } from './internal/tree';

// Imported bindings are copied into locals once: transpiled to CommonJS (tsx,
// jest, the CJS bundle), every read of an imported binding is a getter call,
// and in the loops below those getters topped the profile.
const { internName, toDouble } = amounts;
const { ACTIVE_LEAF, INACTIVE_LEAF, INTERNAL } = tree;

/** Options of {@link DRFSorter}. */
export interface DRFSorterOptions {
  /** The totals shares are fractions of; may be shared with other sorters. Default: a private pool. */
  readonly pool?: ResourcePool | undefined;
  /** Resource names that do not count towards shares (Mesos's `--fair_sharing_excluded_resource_names`). */
  readonly fairnessExcludeResourceNames?: Iterable<string> | undefined;
  /**
   * Keep each client's allocation per agent (default true). Without it,
   * `allocation()`/`allocationOn()` are empty and `unallocated()` does not
   * check what the client holds; order and quantities are unchanged.
   */
  readonly perAgentAllocations?: boolean | undefined;
}

/** Whether `a` sorts before `b`: lower share, then lower count, then lower path. */
function precedes(a: Node, b: Node): boolean {
  if (a.share !== b.share) return a.share < b.share;
  if (a.keyCount !== b.keyCount) return a.keyCount < b.keyCount;
  return a.path < b.path;
}

function compare(a: Node, b: Node): number {
  if (a.share !== b.share) return a.share < b.share ? -1 : 1;
  if (a.keyCount !== b.keyCount) return a.keyCount < b.keyCount ? -1 : 1;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** First index in `list[lo, hi)` that `node` precedes (where `node` would be inserted). */
function insertionPoint(list: readonly Node[], node: Node, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (precedes(list[mid]!, node)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Dominant Resource Fairness ordering of clients, as Mesos's DRF sorter. See
 * the module comment for the order and the incremental maintenance.
 */
export class DRFSorter extends TreeSorter {
  private excluded: ReadonlySet<string>;
  /** Pool version the shares were computed against; -1 forces a recomputation. */
  private seenVersion = -1;
  /** Name indexes and totals (as Mesos's doubles) of the resources that count towards shares. */
  private totalIndex: number[] = [];
  private totalValue: number[] = [];
  /** The cached `sort()` result; undefined when something moved. */
  private sorted: readonly string[] | undefined;

  constructor(options: DRFSorterOptions = {}) {
    super(options.pool ?? new ResourcePool(), options.perAgentAllocations ?? true);
    this.excluded = new Set(options.fairnessExcludeResourceNames ?? []);
  }

  /** Replaces the fairness-excluded resource names; all shares are recomputed on the next sort. */
  initialize(fairnessExcludeResourceNames?: Iterable<string>): void {
    this.excluded = new Set(fairnessExcludeResourceNames ?? []);
    this.seenVersion = -1;
  }

  /** The active clients, lowest share first. Returns the same (frozen) array until something changes the order. */
  sort(): readonly string[] {
    this.refresh();
    let result = this.sorted;
    if (result === undefined) {
      // Sized up front: several times faster than growing it by push.
      const out = new Array<string>(this.activeClients);
      const filled = collect(this.root, out, 0);
      if (filled !== out.length) throw new MesosTsError('INTERNAL', `DRF sorter found ${filled} active clients, expected ${out.length}`);
      result = this.sorted = Object.freeze(out);
    }
    return result;
  }

  /** DRF order depends on allocations: a walk must not outlive a change. */
  readonly stableWalk = false;

  /** A lazy pre-order walk of the active leaves (see Sorter.walk). */
  walk(): Iterator<string> {
    this.refresh();
    if (this.sorted !== undefined) return this.sorted[Symbol.iterator]();
    return new ActiveWalk(this.root);
  }

  /**
   * The client's dominant share divided by its leaf's weight, as Mesos's
   * `allocator/mesos/roles/<role>/shares/dominant` metric: for a client
   * represented by a virtual leaf (`a` when `a/b` exists) that weight is the
   * one of path `a/.`, normally 1. Works for inactive clients too.
   * @throws MesosTsError NOT_FOUND for an unknown client.
   */
  share(client: string): number {
    const leaf = this.leafOf(client);
    this.refresh();
    return this.calculateShare(leaf);
  }

  /**
   * How many times `allocated()` was called for the client (the tie-breaker
   * between equal shares): never decremented, kept across deactivation and
   * when the client gets sub-clients, reset only by removing the client.
   * @throws MesosTsError NOT_FOUND for an unknown client.
   */
  allocationCount(client: string): number {
    return this.leafOf(client).count;
  }

  // ------------------------------------------------------------------ hooks

  protected insertActive(parent: Node, node: Node): void {
    const list = parent.active;
    this.sorted = undefined;
    if (!this.fresh()) {
      list.push(node); // a full re-sort comes before the next use
      return;
    }
    node.share = this.calculateShare(node);
    node.keyCount = node.count;
    const at = insertionPoint(list, node, 0, list.length);
    if (at === list.length) list.push(node);
    else list.splice(at, 0, node);
  }

  protected removeActive(parent: Node, node: Node): void {
    const list = parent.active;
    this.sorted = undefined;
    const at = locate(list, node);
    if (at === list.length - 1) list.pop();
    else list.splice(at, 1);
  }

  protected allocationChanged(node: Node): void {
    if (this.fresh()) this.reposition(node);
  }

  protected weightChanged(node: Node): void {
    if (node.kind !== INACTIVE_LEAF && this.fresh()) this.reposition(node);
  }

  protected structureChanged(): void {
    this.sorted = undefined;
  }

  // -------------------------------------------------------------- internals

  /** Whether every share in the active lists is current (no change of totals or exclusions since). */
  private fresh(): boolean {
    return this.seenVersion === this.pool.version;
  }

  /** Recomputes the totals and every share, and re-sorts every level, if the totals changed. */
  private refresh(): void {
    if (this.fresh()) return;
    const index: number[] = [];
    const value: number[] = [];
    for (const name of this.pool.names()) {
      if (this.excluded.has(name)) continue;
      // The pool sums doubles; Mesos sums thousandths. Round back to them.
      const fixed = Math.round(this.pool.total(name) * 1000);
      if (fixed <= 0) continue;
      index.push(internName(name));
      value.push(toDouble(fixed));
    }
    this.totalIndex = index;
    this.totalValue = value;
    this.seenVersion = this.pool.version;
    this.resort(this.root);
    this.sorted = undefined;
  }

  private resort(node: Node): void {
    const list = node.active;
    for (let i = 0; i < list.length; i++) {
      const child = list[i]!;
      child.share = this.calculateShare(child);
      child.keyCount = child.count;
    }
    if (list.length > 1) list.sort(compare);
    for (let i = 0; i < list.length; i++) {
      const child = list[i]!;
      if (child.kind === INTERNAL) this.resort(child);
    }
  }

  private calculateShare(node: Node): number {
    // Mesos divides the scalar values as doubles; so do we, from the same
    // thousandths, so equal allocations give bit-identical shares.
    const held = node.amounts;
    const index = this.totalIndex;
    const total = this.totalValue;
    let share = 0;
    for (let k = 0; k < index.length; k++) {
      const fixed = held[index[k]!];
      if (fixed === undefined || fixed <= 0) continue;
      const s = toDouble(fixed) / total[k]!;
      if (s > share) share = s;
    }
    return share / node.weight;
  }

  /** Recomputes `node`'s share and moves it to its place among its active siblings. */
  private reposition(node: Node): void {
    const list = node.parent!.active;
    const from = locate(list, node); // by the key it was placed with
    node.share = this.calculateShare(node);
    node.keyCount = node.count;
    if (from > 0 && precedes(node, list[from - 1]!)) {
      move(list, from, insertionPoint(list, node, 0, from - 1));
      this.sorted = undefined;
    } else if (from < list.length - 1 && precedes(list[from + 1]!, node)) {
      move(list, from, insertionPoint(list, node, from + 2, list.length) - 1);
      this.sorted = undefined;
    }
  }
}

/** Moves `list[from]` to index `to`, shifting the elements between by one. */
function move(list: Node[], from: number, to: number): void {
  // A plain loop: measured faster here than two splices (which may shrink and
  // regrow the backing store) and much faster than copyWithin.
  const node = list[from]!;
  if (to < from) for (let i = from; i > to; i--) list[i] = list[i - 1]!;
  else for (let i = from; i < to; i++) list[i] = list[i + 1]!;
  list[to] = node;
}

/** Index of `node` in a sorted active list, found by the key it was placed with. */
function locate(list: readonly Node[], node: Node): number {
  const at = insertionPoint(list, node, 0, list.length);
  if (list[at] === node) return at;
  // Only while a re-sort is pending (keys may be out of order then).
  const i = list.indexOf(node);
  if (i < 0) throw new MesosTsError('INTERNAL', `Sorter node '${node.path}' is not among its siblings`);
  return i;
}

/** Writes the active leaves under `node` in pre-order into `out` from index `at`; returns the next index. */
function collect(node: Node, out: string[], at: number): number {
  const list = node.active;
  for (let i = 0; i < list.length; i++) {
    const child = list[i]!;
    if (child.kind === ACTIVE_LEAF) out[at++] = child.client;
    else at = collect(child, out, at);
  }
  return at;
}

/** Pre-order over the active lists with an explicit stack (no generator frames). */
class ActiveWalk implements Iterator<string> {
  private readonly lists: Node[][] = [];
  private readonly positions: number[] = [];

  constructor(root: Node) {
    this.lists.push(root.active);
    this.positions.push(0);
  }

  next(): IteratorResult<string> {
    for (;;) {
      const depth = this.lists.length - 1;
      if (depth < 0) return { done: true, value: undefined };
      const list = this.lists[depth]!;
      const i = this.positions[depth]!;
      if (i >= list.length) {
        this.lists.pop();
        this.positions.pop();
        continue;
      }
      this.positions[depth] = i + 1;
      const child = list[i]!;
      if (child.kind === ACTIVE_LEAF) return { done: false, value: child.client };
      this.lists.push(child.active);
      this.positions.push(0);
    }
  }
}
