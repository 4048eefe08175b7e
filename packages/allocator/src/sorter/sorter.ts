/**
 * The sorter abstraction, as Mesos's allocator has it: a sorter orders its
 * clients (roles, or the frameworks of one role) by how much of the cluster
 * they hold, so the allocator offers to the neediest first. Clients are
 * `/`-separated paths forming a tree (hierarchical roles): a client competes
 * with its siblings by the allocation of its whole subtree.
 */
import type { ResourceQuantities, Resources } from '@mesos-ts/resources';

/**
 * The pool the shares are fractions of: the scalar quantities of every agent.
 * One pool may be shared by many sorters (Mesos gives every framework sorter
 * the whole cluster as its total); `version` changes whenever the totals do,
 * which is how a sorter learns that its cached shares are stale.
 */
export class ResourcePool {
  private readonly agents = new Map<string, ResourceQuantities>();
  private readonly sums = new Map<string, number>();
  private versionValue = 0;

  /** Bumped on every change of the totals. */
  get version(): number {
    return this.versionValue;
  }

  /** Adds an agent's scalar quantities. @throws Error if the agent is already in the pool. */
  addAgent(agentId: string, quantities: ResourceQuantities): void {
    if (this.agents.has(agentId)) throw new Error(`agent ${agentId} is already in the pool`);
    this.agents.set(agentId, quantities);
    for (const [name, value] of quantities) this.sums.set(name, (this.sums.get(name) ?? 0) + value);
    this.versionValue++;
  }

  /** Removes an agent; unknown agents are ignored. */
  removeAgent(agentId: string): void {
    const q = this.agents.get(agentId);
    if (!q) return;
    this.agents.delete(agentId);
    for (const [name, value] of q) {
      const left = (this.sums.get(name) ?? 0) - value;
      // Sums of 3-decimal amounts: treat float dust as zero.
      if (left <= 1e-9) this.sums.delete(name);
      else this.sums.set(name, left);
    }
    this.versionValue++;
  }

  hasAgent(agentId: string): boolean {
    return this.agents.has(agentId);
  }

  /** Total of `name` over all agents (0 when none). */
  total(name: string): number {
    return this.sums.get(name) ?? 0;
  }

  /** Names with a positive total. */
  names(): IterableIterator<string> {
    return this.sums.keys();
  }

  get agentCount(): number {
    return this.agents.size;
  }
}

/**
 * What every sorter does. Mirrors Mesos's `Sorter` (src/master/allocator/
 * mesos/sorter/sorter.hpp), with agent totals in a {@link ResourcePool}.
 */
export interface Sorter {
  /** Resource names that do not count towards shares (e.g. `gpus`). */
  initialize(fairnessExcludeResourceNames?: Iterable<string>): void;

  /** Adds a client, inactive. `a/b` makes `a` an internal node (with a virtual leaf `a/.` if `a` is a client too). */
  add(client: string): void;
  /** Removes a client and its allocation; empty internal nodes are pruned. */
  remove(client: string): void;
  /** Puts the client into `sort()`'s output. No-op when already active. */
  activate(client: string): void;
  /** Takes the client out of `sort()`'s output; its allocation still counts. */
  deactivate(client: string): void;
  /** Sets the weight of a path (a client or an internal node, existing or not). Default 1. */
  updateWeight(path: string, weight: number): void;

  /** Records resources given to a client on an agent. Shared resources count once per client and agent. */
  allocated(client: string, agentId: string, resources: Resources): void;
  /** Records resources taken back. @throws Error if the client does not hold them on that agent. */
  unallocated(client: string, agentId: string, resources: Resources): void;
  /** Replaces `oldAllocation` (held on the agent) by `newAllocation` (conversions such as RESERVE). */
  update(client: string, agentId: string, oldAllocation: Resources, newAllocation: Resources): void;

  /** The client's allocation per agent. */
  allocation(client: string): ReadonlyMap<string, Resources>;
  /** The client's allocation on one agent (empty if none). */
  allocationOn(client: string, agentId: string): Resources;
  /** Scalar quantities held by a client (shared resources once), or by all clients together when omitted. */
  allocationScalarQuantities(client?: string): ResourceQuantities;

  /** Adds an agent's scalar quantities to this sorter's pool. */
  addAgent(agentId: string, scalarQuantities: ResourceQuantities): void;
  /** Removes an agent from this sorter's pool. */
  removeAgent(agentId: string): void;

  /**
   * The active clients, neediest first. The array is owned by the sorter: do
   * not modify it; it stays valid (unchanged) until the sorter's next mutation.
   */
  sort(): readonly string[];
  /**
   * The same order as `sort()`, produced lazily: a caller that stops after
   * the first few clients does not pay for listing all of them. The walk is
   * over live state: it must not be continued after the sorter changes (take
   * a `sort()` snapshot then).
   */
  walk(): Iterator<string>;
  /**
   * Whether a walk stays valid while allocations change (true when the order
   * does not depend on allocations, as with the random sorter).
   */
  readonly stableWalk: boolean;
  /** Whether the client exists (active or not). */
  contains(client: string): boolean;
  /** Whether the client exists and is active. */
  isActive(client: string): boolean;
  /** Number of clients, active or not. */
  count(): number;
}
