/**
 * The client tree and allocation bookkeeping shared by the DRF and random
 * sorters (Mesos keeps two copies of this code; we keep one base class).
 *
 * Clients are `/`-separated paths. Every client is a leaf; the path's
 * prefixes are internal nodes, created as needed and pruned when empty. When
 * a client is also the prefix of another client (`a` and `a/b`), it is
 * represented by a *virtual leaf* named `.` under the internal node `a`: its
 * node path is `a/.`, its client path `a`.
 *
 * Each internal node keeps its children in two lists: `active` holds the
 * active leaves and all internal nodes (whether or not they have an active
 * leaf below them, as in Mesos), `inactive` the inactive leaves. The subclass
 * decides the order of `active` (DRF keeps it sorted); `inactive` is
 * unordered, and each inactive leaf knows its slot in it for O(1) removal.
 *
 * Invariants:
 * - a node's `amounts` is the scalar allocation of its subtree, with every
 *   shared resource counted once per node and agent (non-shared amounts of
 *   all leaves below, plus the distinct shared resources in `shared`);
 * - a leaf's `held` maps each agent to what the client holds there (never an
 *   empty Resources); internal nodes have no `held`;
 * - `shared`, on any node, maps each agent to the shared resources held in
 *   the subtree (with copy counts); absent when there are none;
 * - `count` is the number of `allocated()` calls on the node's subtree since
 *   the node was created (a virtual leaf starts with its client's count).
 */
import { MesosTsError } from '@mesos-ts/errors';
import type { ResourceQuantities, Resources } from '@mesos-ts/resources';
import { ResourcePool, type Sorter } from '../sorter';
import * as amounts from './amounts';

// Imported bindings are copied into locals once (a CommonJS import is a getter
// call on every read; see drf-sorter.ts).
const { EMPTY_RESOURCES, addInto, deltaOf, quantitiesOf, sharedAmounts, subtractDense } = amounts;

export const INTERNAL = 0;
export const ACTIVE_LEAF = 1;
export const INACTIVE_LEAF = 2;
export type Kind = typeof INTERNAL | typeof ACTIVE_LEAF | typeof INACTIVE_LEAF;

/** The name of a virtual leaf. */
export const VIRTUAL = '.';

export class Node {
  /** Client path of a leaf (for a virtual leaf, its parent's path); '' for internal nodes. */
  client = '';
  /** Children by name; internal nodes only. */
  children: Map<string, Node> | undefined;
  /** Active leaves and internal nodes (order chosen by the sorter). */
  active: Node[] = [];
  /** Inactive leaves, unordered. */
  inactive: Node[] = [];
  /** Index in the parent's `inactive` list while an inactive leaf. */
  slot = -1;
  /** Leaves: agent -> resources held there. */
  held: Map<string, Resources> | undefined;
  /** Agent -> shared resources held in the subtree. */
  shared: Map<string, Resources> | undefined;
  /** Scalar allocation of the subtree in thousandths, by interned name. */
  amounts: number[] = [];
  /** `allocated()` calls on the subtree; never decremented. */
  count = 0;
  /** Weight of this node's path (a virtual leaf's path ends in `/.`). */
  weight: number;
  /** DRF sort key: the share and count the node was last placed with. */
  share = 0;
  keyCount = 0;
  /** `amounts` as ResourceQuantities, built on demand. */
  quantities: ResourceQuantities | undefined;

  constructor(
    readonly name: string,
    public kind: Kind,
    readonly parent: Node | undefined,
    /** Complete path from the root, including a trailing `.` for virtual leaves; '' for the root. */
    readonly path: string,
    weight: number,
  ) {
    this.weight = weight;
    if (kind === INTERNAL) this.children = new Map();
    else this.held = new Map();
  }
}

function notFound(client: string): MesosTsError {
  return new MesosTsError('NOT_FOUND', `Unknown sorter client '${client}'`);
}

/**
 * Everything a sorter does apart from ordering. Subclasses provide the order
 * of each `active` list through the hooks below and implement `sort()`.
 */
export abstract class TreeSorter implements Sorter {
  protected readonly root: Node = new Node('', INTERNAL, undefined, '', 1);
  /** Client path -> its leaf (a virtual leaf for clients that are also internal nodes). */
  protected readonly clients = new Map<string, Node>();
  /** Weights by node path, including paths not in the tree (yet). */
  protected readonly weights = new Map<string, number>();
  /** Number of active clients (the length of a DRF `sort()` result). */
  protected activeClients = 0;

  constructor(
    /** The totals this sorter's shares are fractions of (possibly shared with other sorters). */
    readonly pool: ResourcePool,
    /**
     * Whether to keep each client's allocation per agent (for `allocation()`,
     * `allocationOn()` and the containment checks of `unallocated()`). A sorter
     * only asked for its order and quantities (the allocator's role sorter)
     * can skip that bookkeeping: it was a large share of each offer's cost.
     */
    protected readonly perAgent = true,
  ) {}

  // ------------------------------------------------------------------ hooks

  /** Puts `node` (an active leaf or an internal node) into `parent.active`. */
  abstract walk(): Iterator<string>;
  abstract readonly stableWalk: boolean;

  protected abstract insertActive(parent: Node, node: Node): void;
  /** Takes `node` out of `parent.active`. */
  protected abstract removeActive(parent: Node, node: Node): void;
  /** The allocation of `node`, which is in its parent's `active` list, has changed. */
  protected abstract allocationChanged(node: Node): void;
  /** The weight of `node` has changed. */
  protected abstract weightChanged(node: Node): void;
  /** Clients were added, removed, activated or deactivated. */
  protected abstract structureChanged(): void;

  abstract initialize(fairnessExcludeResourceNames?: Iterable<string>): void;
  abstract sort(): readonly string[];

  // ------------------------------------------------------------- structure

  add(client: string): void {
    if (this.clients.has(client)) throw new MesosTsError('CONFLICT', `Sorter client '${client}' already exists`);
    const tokens = client.split('/');
    if (tokens.includes(VIRTUAL)) throw new MesosTsError('INVALID_ARGUMENT', `Sorter client '${client}' has a '.' component`);

    // Walk down as `mkdir -p` would, until the path runs out (the client is
    // an existing internal node: give it a virtual leaf), a leaf is met (turn
    // it into an internal node with a virtual leaf, then create the rest
    // below it), or the next component is missing (create the rest).
    let current = this.root;
    let t = 0;
    for (;;) {
      if (t === tokens.length) {
        current = this.attach(current, VIRTUAL, INACTIVE_LEAF);
        break;
      }
      if (current.kind !== INTERNAL) {
        this.splitLeaf(current);
        break;
      }
      const next = current.children!.get(tokens[t]!);
      if (next === undefined) break;
      current = next;
      t++;
    }
    for (; t < tokens.length; t++) {
      current = this.attach(current, tokens[t]!, t === tokens.length - 1 ? INACTIVE_LEAF : INTERNAL);
    }
    current.client = client;
    this.clients.set(client, current);
    this.structureChanged();
  }

  remove(client: string): void {
    const leaf = this.leafOf(client);
    this.clients.delete(client);
    if (leaf.kind === ACTIVE_LEAF) this.activeClients--;

    // What each ancestor loses: the leaf's non-shared amounts in one go, and
    // its shared resources agent by agent (they may still be held by a
    // sibling, in which case the ancestor's amounts do not change).
    const plain = leaf.amounts.slice();
    const leafShared = leaf.shared;
    if (leafShared !== undefined) for (const s of leafShared.values()) addInto(plain, sharedAmounts(s), -1);

    let current = leaf;
    while (current !== this.root) {
      const parent = current.parent!;
      subtractDense(parent.amounts, plain);
      if (leafShared !== undefined) for (const [agent, s] of leafShared) this.changeShared(parent, agent, s, undefined);
      parent.quantities = undefined;

      if (current.kind !== INTERNAL || current.children!.size === 0) {
        this.detach(parent, current);
      } else if (current.children!.size === 1 && current.children!.has(VIRTUAL)) {
        this.collapse(current);
      } else if (current !== leaf) {
        this.allocationChanged(current);
      }
      current = parent;
    }
    this.structureChanged();
  }

  activate(client: string): void {
    const leaf = this.leafOf(client);
    if (leaf.kind !== INACTIVE_LEAF) return;
    const parent = leaf.parent!;
    this.removeInactive(parent, leaf);
    leaf.kind = ACTIVE_LEAF;
    this.activeClients++;
    this.insertActive(parent, leaf);
    this.structureChanged();
  }

  deactivate(client: string): void {
    const leaf = this.leafOf(client);
    if (leaf.kind !== ACTIVE_LEAF) return;
    const parent = leaf.parent!;
    this.removeActive(parent, leaf);
    leaf.kind = INACTIVE_LEAF;
    this.activeClients--;
    this.pushInactive(parent, leaf);
    this.structureChanged();
  }

  updateWeight(path: string, weight: number): void {
    this.weights.set(path, weight);
    // The node whose own path this is: an internal node, a leaf, or (for a
    // path ending in `/.`) a virtual leaf. The weight of `a` applies to the
    // internal node `a`, not to its virtual leaf `a/.`.
    let node: Node | undefined = this.root;
    for (const token of path.split('/')) {
      node = node.children?.get(token);
      if (node === undefined) return;
    }
    if (node === this.root) return;
    node.weight = weight;
    this.weightChanged(node);
  }

  // ------------------------------------------------------------ allocation

  allocated(client: string, agentId: string, resources: Resources): void {
    const leaf = this.leafOf(client);
    const delta = deltaOf(resources);
    if (this.perAgent) {
      const held = leaf.held!;
      const before = held.get(agentId);
      // Fast path: nothing held there yet, so keep the caller's (immutable) object.
      if (before === undefined) {
        if (!resources.isEmpty()) held.set(agentId, resources);
      } else {
        held.set(agentId, before.plus(resources));
      }
    }
    for (let node: Node | undefined = leaf; node !== undefined; node = node.parent) {
      addInto(node.amounts, delta.plain, 1);
      if (delta.shared !== undefined) this.changeShared(node, agentId, undefined, delta.shared);
      node.count++;
      node.quantities = undefined;
      if (node.kind !== INACTIVE_LEAF && node.parent !== undefined) this.allocationChanged(node);
    }
  }

  unallocated(client: string, agentId: string, resources: Resources): void {
    const leaf = this.leafOf(client);
    if (this.perAgent) {
      const held = leaf.held!;
      const before = held.get(agentId);
      if (before === undefined) {
        throw new MesosTsError('INTERNAL', `Sorter client '${client}' holds nothing on agent ${agentId}, cannot unallocate ${resources.toString()}`);
      }
      if (before === resources || before.equals(resources)) {
        held.delete(agentId);
      } else {
        if (!before.contains(resources)) {
          throw new MesosTsError('INTERNAL', `Sorter client '${client}' holds ${before.toString()} on agent ${agentId}, which does not contain ${resources.toString()}`);
        }
        const after = before.minus(resources);
        if (after.isEmpty()) held.delete(agentId);
        else held.set(agentId, after);
      }
    }
    const delta = deltaOf(resources);
    for (let node: Node | undefined = leaf; node !== undefined; node = node.parent) {
      addInto(node.amounts, delta.plain, -1);
      if (delta.shared !== undefined) this.changeShared(node, agentId, delta.shared, undefined);
      node.quantities = undefined;
      if (node.kind !== INACTIVE_LEAF && node.parent !== undefined) this.allocationChanged(node);
    }
  }

  update(client: string, agentId: string, oldAllocation: Resources, newAllocation: Resources): void {
    const leaf = this.leafOf(client);
    if (this.perAgent) {
      const held = leaf.held!;
      const before = held.get(agentId) ?? EMPTY_RESOURCES;
      let after: Resources;
      if (before === oldAllocation || before.equals(oldAllocation)) {
        after = newAllocation;
      } else {
        if (!before.contains(oldAllocation)) {
          throw new MesosTsError('INTERNAL', `Sorter client '${client}' holds ${before.toString()} on agent ${agentId}, which does not contain ${oldAllocation.toString()}`);
        }
        after = before.minus(oldAllocation).plus(newAllocation);
      }
      if (after.isEmpty()) held.delete(agentId);
      else held.set(agentId, after);
    }

    const removed = deltaOf(oldAllocation);
    const added = deltaOf(newAllocation);
    const shared = removed.shared !== undefined || added.shared !== undefined;
    for (let node: Node | undefined = leaf; node !== undefined; node = node.parent) {
      addInto(node.amounts, removed.plain, -1);
      addInto(node.amounts, added.plain, 1);
      if (shared) this.changeShared(node, agentId, removed.shared, added.shared);
      node.quantities = undefined;
      if (node.kind !== INACTIVE_LEAF && node.parent !== undefined) this.allocationChanged(node);
    }
  }

  // ---------------------------------------------------------------- queries

  /**
   * The client's allocation per agent: a live view, changed by later calls; do
   * not modify. Always empty for a sorter made without per-agent bookkeeping.
   */
  allocation(client: string): ReadonlyMap<string, Resources> {
    return this.leafOf(client).held!;
  }

  allocationOn(client: string, agentId: string): Resources {
    return this.leafOf(client).held!.get(agentId) ?? EMPTY_RESOURCES;
  }

  allocationScalarQuantities(client?: string): ResourceQuantities {
    const node = client === undefined ? this.root : this.leafOf(client);
    return (node.quantities ??= quantitiesOf(node.amounts));
  }

  addAgent(agentId: string, scalarQuantities: ResourceQuantities): void {
    this.pool.addAgent(agentId, scalarQuantities);
  }

  removeAgent(agentId: string): void {
    this.pool.removeAgent(agentId);
  }

  contains(client: string): boolean {
    return this.clients.has(client);
  }

  isActive(client: string): boolean {
    return this.clients.get(client)?.kind === ACTIVE_LEAF;
  }

  count(): number {
    return this.clients.size;
  }

  // --------------------------------------------------------------- helpers

  protected leafOf(client: string): Node {
    const leaf = this.clients.get(client);
    if (leaf === undefined) throw notFound(client);
    return leaf;
  }

  /** Creates a child of `parent` (an internal node) and places it. */
  private attach(parent: Node, name: string, kind: Kind): Node {
    const path = parent === this.root ? name : `${parent.path}/${name}`;
    const node = new Node(name, kind, parent, path, this.weights.get(path) ?? 1);
    parent.children!.set(name, node);
    if (kind === INACTIVE_LEAF) this.pushInactive(parent, node);
    else this.insertActive(parent, node);
    return node;
  }

  /** Removes a childless node or a leaf from its parent. */
  private detach(parent: Node, node: Node): void {
    parent.children!.delete(node.name);
    if (node.kind === INACTIVE_LEAF) this.removeInactive(parent, node);
    else this.removeActive(parent, node);
  }

  /** Turns a leaf into an internal node whose virtual leaf takes over the client. */
  private splitLeaf(leaf: Node): void {
    const kind = leaf.kind;
    const parent = leaf.parent!;
    const virtual = new Node(VIRTUAL, kind, leaf, `${leaf.path}/${VIRTUAL}`, this.weights.get(`${leaf.path}/${VIRTUAL}`) ?? 1);
    virtual.client = leaf.client;
    virtual.held = leaf.held;
    virtual.shared = leaf.shared === undefined ? undefined : new Map(leaf.shared);
    virtual.amounts = leaf.amounts.slice();
    virtual.count = leaf.count;

    // An active leaf is already in the active list with the key it keeps as an
    // internal node; an inactive one moves into the active list.
    if (kind === INACTIVE_LEAF) this.removeInactive(parent, leaf);
    leaf.kind = INTERNAL;
    leaf.children = new Map([[VIRTUAL, virtual]]);
    leaf.held = undefined;
    leaf.client = '';
    if (kind === INACTIVE_LEAF) this.insertActive(parent, leaf);

    if (kind === INACTIVE_LEAF) this.pushInactive(leaf, virtual);
    else this.insertActive(leaf, virtual);
    this.clients.set(virtual.client, virtual);
  }

  /** Turns an internal node whose only child is its virtual leaf back into a leaf of that leaf's kind. */
  private collapse(node: Node): void {
    const virtual = node.children!.get(VIRTUAL)!;
    const parent = node.parent!;
    // Its amounts, shared map and count stay its own (the amounts equal the
    // virtual leaf's, which is its only child); the holdings move back up.
    node.children = undefined;
    node.active = [];
    node.inactive = [];
    node.held = virtual.held;
    node.client = virtual.client;
    if (virtual.kind === INACTIVE_LEAF) {
      this.removeActive(parent, node);
      node.kind = INACTIVE_LEAF;
      this.pushInactive(parent, node);
    } else {
      node.kind = ACTIVE_LEAF;
      this.allocationChanged(node);
    }
    this.clients.set(node.client, node);
  }

  private pushInactive(parent: Node, node: Node): void {
    node.slot = parent.inactive.length;
    parent.inactive.push(node);
  }

  private removeInactive(parent: Node, node: Node): void {
    const list = parent.inactive;
    const last = list.pop()!;
    if (last !== node) {
      list[node.slot] = last;
      last.slot = node.slot;
    }
    node.slot = -1;
  }

  /**
   * Replaces `remove` by `add` among the shared resources `node` holds on the
   * agent, and adjusts its amounts by the change in distinct shared resources.
   */
  private changeShared(node: Node, agentId: string, remove: Resources | undefined, add: Resources | undefined): void {
    const map = (node.shared ??= new Map());
    const before = map.get(agentId);
    let after = before ?? EMPTY_RESOURCES;
    if (remove !== undefined) {
      if (!after.contains(remove)) {
        throw new MesosTsError('INTERNAL', `Sorter node '${node.path}' holds shared ${after.toString()} on agent ${agentId}, which does not contain ${remove.toString()}`);
      }
      after = after.minus(remove);
    }
    if (add !== undefined) after = after.plus(add);
    if (before !== undefined) addInto(node.amounts, sharedAmounts(before), -1);
    if (after.isEmpty()) {
      map.delete(agentId);
      if (map.size === 0) node.shared = undefined;
    } else {
      map.set(agentId, after);
      addInto(node.amounts, sharedAmounts(after), 1);
    }
  }
}
