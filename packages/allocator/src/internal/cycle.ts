/**
 * One allocation run, as Mesos 1.11's `__generateOffers`:
 *
 *   candidates --shuffle--> stage 1: roles with unsatisfied quota guarantees
 *              --shuffle--> stage 2: every role, within quota limits, holding
 *                           back headroom for guarantees still unsatisfied
 *              --> one offer callback per framework --> inverse offers
 *
 * In both stages, for each agent, roles come in role-sorter order and each
 * role's frameworks in framework-sorter order; the first framework that may
 * take what the agent has left gets it (coarse-grained, as Mesos).
 *
 * Beyond Mesos: when every framework of a role was skipped on an agent for
 * reasons that cannot change until the agent's resources, the frameworks, the
 * filters or the clock do (a decline filter, missing capability, below the
 * minimum), the agent remembers it, and later runs skip that role on that
 * agent in O(1) until one of those changes. This is what keeps runs cheap
 * when most offers are declined with long filters.
 */
import { ResourceQuantities, Resources } from '@mesos-ts/resources';
import type { HierarchicalAllocator } from '../hierarchical';
import type { Sorter } from '../sorter/sorter';
import type { AllocationRunStats, OfferMap, UnavailableResources } from '../types';
import { isDefaultQuota } from './role-tree';
import { flagsOf, isAllocatable, splitForQuota, stripIncapable, type AgentState, type FrameworkState } from './state';

export interface RunContext {
  readonly allocator: HierarchicalAllocator;
  readonly now: number;
  readonly random: () => number;
}

/** Unallocated, unreserved, non-revocable scalars across the cluster: what unmet guarantees can still be served from. */
export function availableHeadroom(a: HierarchicalAllocator): ResourceQuantities {
  const parts: ResourceQuantities[] = [];
  for (const agent of a.agents.values()) {
    const free = agent.available.filter((e) => e.scalar !== undefined && e.reservations.length === 0 && !e.revocable);
    if (!free.isEmpty()) parts.push(free.scalarQuantities());
  }
  return ResourceQuantities.sum(parts);
}

/** The sum of every top-level role's unmet guarantees. */
export function requiredHeadroom(a: HierarchicalAllocator): ResourceQuantities {
  let required = ResourceQuantities.EMPTY;
  for (const node of a.roleTree.roles()) {
    if (node.parent || node.quota.guarantees.isEmpty()) continue;
    required = required.plus(node.quota.guarantees.minus(a.roleTree.consumed(node.role)));
  }
  return required;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i] as T;
    items[i] = items[j] as T;
    items[j] = t;
  }
  return items;
}

/**
 * The roles in role-sorter order for one agent. The order is fixed when the
 * agent's turn begins, as in Mesos: a snapshot, unless the sorter's walk
 * survives allocation changes (random sorter), which then also saves drawing
 * an order for roles the agent never gets to.
 */
function roleOrder(sorter: Sorter): Iterable<string> {
  return sorter.stableWalk ? { [Symbol.iterator]: () => sorter.walk() } : sorter.sort();
}

/**
 * A role's frameworks in sorter order, walked lazily: the usual case offers
 * the agent to the first framework that may take it and stops, so listing
 * all frameworks per agent would be wasted. Once an offer changes the
 * sorter, the rest comes from a snapshot, skipping frameworks already seen:
 * an offer only moves the framework that got it, so the others keep the
 * order they had when the role's turn began (as in Mesos).
 */
class FrameworkOrder {
  private readonly walk: Iterator<string>;
  private snapshot: readonly string[] | undefined;
  private index = 0;
  private readonly seen: string[] = [];
  private seenSet: Set<string> | undefined;

  constructor(private readonly sorter: Sorter) {
    this.walk = sorter.walk();
  }

  next(): string | undefined {
    if (this.stale && this.snapshot === undefined) {
      this.snapshot = this.sorter.sort();
      this.seenSet = new Set(this.seen);
    }
    if (this.snapshot === undefined) {
      const n = this.walk.next();
      if (n.done) return undefined;
      this.seen.push(n.value);
      return n.value;
    }
    while (this.index < this.snapshot.length) {
      const id = this.snapshot[this.index++] as string;
      if (!this.seenSet?.has(id)) {
        this.seenSet?.add(id);
        return id;
      }
    }
    return undefined;
  }

  private stale = false;

  /** Call after the sorter changed (an offer was made); the snapshot is taken only if the walk goes on. */
  changed(): void {
    if (!this.sorter.stableWalk) this.stale = true;
  }
}

class Run {
  readonly a: HierarchicalAllocator;
  readonly now: number;
  readonly random: () => number;
  readonly offers = new Map<string, OfferMap>();
  readonly offeredShared = new Map<string, Resources>();
  offerCount = 0;
  filtered = 0;
  heldBack = ResourceQuantities.EMPTY;
  /** Consumed quota of the top-level roles that have quota, kept current during the run. */
  readonly consumed = new Map<string, ResourceQuantities>();
  requiredHeadroom = ResourceQuantities.EMPTY;
  availableHeadroom = ResourceQuantities.EMPTY;

  constructor(ctx: RunContext) {
    this.a = ctx.allocator;
    this.now = ctx.now;
    this.random = ctx.random;
  }

  /** Per-run quota bookkeeping, from scratch (Mesos recomputes it every run). */
  prepareQuota(): boolean {
    let anyGuarantees = false;
    let required = ResourceQuantities.EMPTY;
    for (const node of this.a.roleTree.roles()) {
      if (node.parent || isDefaultQuota(node.quota)) continue;
      const consumed = this.a.roleTree.consumed(node.role);
      this.consumed.set(node.role, consumed);
      if (!node.quota.guarantees.isEmpty()) {
        anyGuarantees = true;
        required = required.plus(node.quota.guarantees.minus(consumed));
      }
    }
    this.requiredHeadroom = required;
    if (!required.isEmpty()) this.availableHeadroom = this.computeAvailableHeadroom();
    return anyGuarantees;
  }

  private computeAvailableHeadroom(): ResourceQuantities {
    return availableHeadroom(this.a);
  }

  minimums(fw: FrameworkState, role: string): readonly ResourceQuantities[] {
    return fw.minAllocatable.get(role) ?? this.a.options.minAllocatableResources;
  }

  canReceive(fw: FrameworkState, agent: AgentState): boolean {
    return !(this.a.options.filterGpuResources && agent.hasGpus && !fw.caps.gpu);
  }

  /** What of the agent may go to `role` now: allocatable to it, less shared resources already offered in this run. */
  availableFor(agent: AgentState, role: string): Resources {
    const available = agent.available;
    let r: Resources | undefined;
    // Without reservations everything is allocatable to every role.
    if (!flagsOf(available).reserved) r = available;
    else {
      if (agent.allocatableBase !== available) {
        agent.allocatableCache.clear();
        agent.allocatableBase = available;
      }
      r = agent.allocatableCache.get(role);
      if (!r) {
        r = available.allocatableTo(role);
        agent.allocatableCache.set(role, r);
      }
    }
    const shared = this.offeredShared.get(agent.id);
    return shared ? r.minus(shared) : r;
  }

  /**
   * If the framework must not be offered `toOffer` on this agent, until when
   * (Infinity for a missing capability); undefined when it may be.
   */
  filteredUntil(fw: FrameworkState, role: string, agent: AgentState, toOffer: Resources): number | undefined {
    if (fw.caps.multiRole && !agent.caps.multiRole) return Number.POSITIVE_INFINITY;
    if (role.includes('/') && !agent.caps.hierarchicalRole) return Number.POSITIVE_INFINITY;
    const byAgent = fw.offerFilters.get(role);
    const list = byAgent?.get(agent.id);
    if (!list) return undefined;
    let until: number | undefined;
    let expired = false;
    for (const f of list) {
      if (this.now > f.activeThrough) {
        expired = true;
        continue;
      }
      if (f.resources.contains(toOffer)) until = Math.max(until ?? 0, f.activeThrough);
    }
    if (expired) {
      const live = list.filter((f) => this.now <= f.activeThrough);
      if (live.length > 0) byAgent?.set(agent.id, live);
      else byAgent?.delete(agent.id);
    }
    return until;
  }

  offer(fw: FrameworkState, role: string, agent: AgentState, toOffer: Resources): void {
    const allocated = toOffer.allocate(role);
    let byRole = this.offers.get(fw.id);
    if (!byRole) this.offers.set(fw.id, (byRole = new Map()));
    let byAgent = byRole.get(role);
    if (!byAgent) byRole.set(role, (byAgent = new Map()));
    const prev = byAgent.get(agent.id);
    byAgent.set(agent.id, prev ? prev.plus(allocated) : allocated);
    if (flagsOf(toOffer).shared) {
      const before = this.offeredShared.get(agent.id);
      const shared = toOffer.shared();
      this.offeredShared.set(agent.id, before ? before.plus(shared) : shared);
    }
    this.a.trackAllocated(fw, agent, allocated, toOffer, role);
    this.offerCount++;
  }

  private addConsumed(role: string, q: ResourceQuantities): void {
    const c = this.consumed.get(role);
    if (!c) return;
    const next = c.plus(q);
    this.consumed.set(role, next);
    this.updateExhausted(role, next);
  }

  /**
   * Roles at their limit for every limited name, grouped by the set of names
   * they limit. On an agent whose resources are all unreserved,
   * non-revocable scalars with limited names (plus non-scalars no minimum
   * accepts alone), such a role can be offered nothing, so stage 2 skips it.
   */
  readonly exhausted = new Map<string, string>();
  readonly exhaustedGroups = new Map<string, { names: string[]; count: number }>();
  /** Roles in the role sorter that are not exhausted. */
  openRoles = 0;
  /** Whether an offer of non-scalars alone (e.g. ports) can never pass the minimums. */
  nonScalarsAloneRejected = false;

  private updateExhausted(role: string, consumed: ResourceQuantities): void {
    const limits = this.a.roleTree.quota(role).limits;
    if (limits.isEmpty() || this.exhausted.has(role) || !this.a.frameworkSorters.has(role)) return;
    const names: string[] = [];
    for (const [name, limit] of limits) {
      if (consumed.get(name) < limit) return;
      names.push(name);
    }
    const key = names.join(',');
    this.exhausted.set(role, key);
    const group = this.exhaustedGroups.get(key);
    if (group) group.count++;
    else this.exhaustedGroups.set(key, { names, count: 1 });
    this.openRoles--;
  }

  prepareExhausted(): void {
    this.openRoles = this.a.frameworkSorters.size;
    for (const [role, consumed] of this.consumed) this.updateExhausted(role, consumed);
    const mins = this.a.options.minAllocatableResources;
    const SCALAR_NAMES = ['cpus', 'mem', 'disk', 'gpus'];
    let custom = false;
    for (const fw of this.a.frameworks.values()) if (fw.minAllocatable.size > 0) custom = true;
    this.nonScalarsAloneRejected = !custom && mins.length > 0 && mins.every((q) => SCALAR_NAMES.some((n) => q.get(n) > 0));
  }

  /**
   * For an agent where exhausted roles may be skipped: the groups (by limited
   * names) whose roles can get nothing here, and how many roles are left
   * open; undefined when the agent has something an exhausted role might still
   * be offered (reservations, revocable, an unlimited name...).
   */
  private closedGroups(agent: AgentState): { closed: Set<string>; open: number } | undefined {
    if (this.exhaustedGroups.size === 0) return undefined;
    const f = flagsOf(agent.available);
    if (f.reserved || f.revocable || (f.nonScalar && !this.nonScalarsAloneRejected)) return undefined;
    const scalarNames: string[] = [];
    for (const e of agent.available) if (e.scalar !== undefined) scalarNames.push(e.name);
    const closed = new Set<string>();
    let open = this.openRoles;
    for (const [key, group] of this.exhaustedGroups) {
      if (scalarNames.every((n) => group.names.includes(n))) closed.add(key);
      else open += group.count;
    }
    return { closed, open };
  }

  /** Stage 1: only roles whose quota guarantees are not yet met, only up to them (plus what limits and headroom allow). */
  stage1(agents: readonly AgentState[]): void {
    const a = this.a;
    // Roles (with frameworks) whose guarantees are unmet, and by how much;
    // kept current so satisfied roles cost nothing and the stage ends when
    // none is left.
    const unmet = new Map<string, ResourceQuantities>();
    for (const [role, consumed] of this.consumed) {
      const u = a.roleTree.quota(role).guarantees.minus(consumed);
      if (!u.isEmpty() && a.frameworkSorters.has(role)) unmet.set(role, u);
    }
    for (const agent of agents) {
      if (unmet.size === 0) return;
      if (agent.available.isEmpty()) continue;
      // Unmet roles this agent has not been offered to yet; none left, stop.
      let toVisit = unmet.size;
      for (const role of roleOrder(a.roleSorter)) {
        if (agent.available.isEmpty() || toVisit === 0) break;
        let unsatisfied = unmet.get(role);
        if (unsatisfied === undefined) continue;
        toVisit--;
        const sorter = a.frameworkSorters.get(role);
        const node = a.roleTree.get(role);
        if (!sorter || !node) continue;
        const limits = node.quota.limits;
        const order = new FrameworkOrder(sorter);
        for (let fwId = order.next(); fwId !== undefined; fwId = order.next()) {
          if (unsatisfied.isEmpty()) break;
          const fw = a.frameworks.get(fwId);
          if (!fw || !fw.active) continue;
          let available = this.availableFor(agent, role);
          if (available.isEmpty()) break;
          const minimums = this.minimums(fw, role);
          if (!isAllocatable(available, minimums) || !this.canReceive(fw, agent)) continue;
          available = stripIncapable(available, fw.caps);
          const { whole, quotaPart } = splitForQuota(available);
          const guaranteesOffering = quotaPart.shrink(unsatisfied, this.random);
          if (guaranteesOffering.isEmpty()) continue;
          // The role's own reservations, non-scalars and revocable resources come along whole.
          let toOffer = guaranteesOffering.plus(whole.filter((e) => e.reservationRole === role || e.reservations.length === 0));
          let additional = quotaPart.minus(guaranteesOffering);
          const offeringQ = guaranteesOffering.scalarQuantities();
          if (!limits.isEmpty()) {
            additional = additional.shrink(limits.minus((this.consumed.get(role) ?? ResourceQuantities.EMPTY).plus(offeringQ)), this.random);
          }
          if (!this.requiredHeadroom.isEmpty()) additional = additional.shrink(this.availableHeadroom.minus(this.requiredHeadroom), this.random);
          toOffer = toOffer.plus(additional);
          if (!isAllocatable(toOffer, minimums)) continue;
          if (this.filteredUntil(fw, role, agent, toOffer) !== undefined) {
            this.filtered++;
            continue;
          }
          this.offer(fw, role, agent, toOffer);
          order.changed();
          const consumption = offeringQ.plus(additional.scalarQuantities());
          unsatisfied = unsatisfied.minus(consumption);
          if (unsatisfied.isEmpty()) unmet.delete(role);
          else unmet.set(role, unsatisfied);
          this.addConsumed(role, consumption);
          this.requiredHeadroom = this.requiredHeadroom.minus(offeringQ);
          this.availableHeadroom = this.availableHeadroom.minus(consumption);
        }
      }
    }
  }

  /** Stage 2: every role, within its limits, leaving headroom for unsatisfied guarantees. */
  stage2(agents: readonly AgentState[]): void {
    const a = this.a;
    for (const agent of agents) {
      if (agent.available.isEmpty()) continue;
      const skip = this.closedGroups(agent);
      if (skip && skip.open === 0) continue;
      let openSeen = 0;
      for (const role of roleOrder(a.roleSorter)) {
        if (agent.available.isEmpty()) break;
        if (skip) {
          // Every role that could still get something here was visited: the rest are closed.
          if (openSeen === skip.open) break;
          const group = this.exhausted.get(role);
          if (group !== undefined && skip.closed.has(group)) continue;
          openSeen++;
        }
        const sorter = a.frameworkSorters.get(role);
        if (!sorter) continue;
        const sharedPending = this.offeredShared.has(agent.id);
        const mark = agent.filteredMarks.get(role);
        if (
          mark &&
          !sharedPending &&
          mark.frameworkEpoch === a.frameworkEpoch &&
          mark.filterEpoch === a.filterEpoch &&
          this.now <= mark.until &&
          (mark.available === agent.available || mark.available.equals(agent.available))
        ) {
          continue;
        }
        const quota = a.roleTree.quota(role);
        const limits = quota.limits;
        const quotaBound = !limits.isEmpty() || !this.requiredHeadroom.isEmpty();
        let stable = !sharedPending && !quotaBound;
        let offered = false;
        let until = Number.POSITIVE_INFINITY;
        const order = new FrameworkOrder(sorter);
        for (let fwId = order.next(); fwId !== undefined; fwId = order.next()) {
          const fw = a.frameworks.get(fwId);
          if (!fw || !fw.active) continue;
          let available = this.availableFor(agent, role);
          if (available.isEmpty()) {
            stable = false;
            break;
          }
          const minimums = this.minimums(fw, role);
          if (!isAllocatable(available, minimums) || !this.canReceive(fw, agent)) continue;
          const checked = available;
          available = stripIncapable(available, fw.caps);
          let toOffer = available;
          let additional: Resources | undefined;
          if (quotaBound) {
            const { whole, quotaPart } = splitForQuota(available);
            additional = quotaPart;
            if (!limits.isEmpty()) {
              additional = additional.shrink(limits.minus(this.consumed.get(role) ?? a.roleTree.consumed(role)), this.random);
            }
            if (!this.requiredHeadroom.isEmpty()) {
              const shrunk = additional.shrink(this.availableHeadroom.minus(this.requiredHeadroom), this.random);
              if (!shrunk.equals(additional)) this.heldBack = this.heldBack.plus(additional.scalarQuantities().minus(shrunk.scalarQuantities()));
              additional = shrunk;
            }
            toOffer = whole.plus(additional);
          }
          if (toOffer !== checked && !isAllocatable(toOffer, minimums)) continue;
          const filteredUntil = this.filteredUntil(fw, role, agent, toOffer);
          if (filteredUntil !== undefined) {
            this.filtered++;
            until = Math.min(until, filteredUntil);
            continue;
          }
          this.offer(fw, role, agent, toOffer);
          offered = true;
          order.changed();
          if (additional !== undefined) {
            const consumption = additional.scalarQuantities();
            if (!isDefaultQuota(quota)) this.addConsumed(role, consumption);
            if (!this.requiredHeadroom.isEmpty()) this.availableHeadroom = this.availableHeadroom.minus(consumption);
          }
          if (this.availableFor(agent, role).isEmpty()) break;
        }
        if (!offered && stable) {
          agent.filteredMarks.set(role, { available: agent.available, frameworkEpoch: a.frameworkEpoch, filterEpoch: a.filterEpoch, until });
        }
      }
    }
  }

  inverseOffers(candidates: readonly AgentState[]): number {
    const callback = this.a.options.inverseOfferCallback;
    if (!callback) return 0;
    const byFramework = new Map<string, Map<string, UnavailableResources>>();
    let count = 0;
    for (const agent of candidates) {
      const m = agent.maintenance;
      if (!m) continue;
      for (const fwId of agent.allocations.keys()) {
        const fw = this.a.frameworks.get(fwId);
        if (!fw || !fw.active || m.outstanding.has(fwId)) continue;
        const filter = fw.inverseOfferFilters.get(agent.id);
        if (filter !== undefined && this.now <= filter) continue;
        let map = byFramework.get(fwId);
        if (!map) byFramework.set(fwId, (map = new Map()));
        map.set(agent.id, { resources: Resources.empty(), unavailability: m.unavailability });
        m.outstanding.add(fwId);
        count++;
      }
    }
    for (const [fwId, map] of byFramework) callback(fwId, map);
    return count;
  }
}

/** Runs one allocation cycle over `candidates` (agents that exist). */
export function runAllocation(ctx: RunContext, candidates: readonly AgentState[]): AllocationRunStats {
  const run = new Run(ctx);
  const eligible = candidates.filter((agent) => agent.activated);
  const anyGuarantees = run.prepareQuota();
  run.prepareExhausted();
  if (anyGuarantees) run.stage1(shuffle([...eligible], run.random));
  run.stage2(shuffle([...eligible], run.random));
  for (const [fwId, offers] of run.offers) ctx.allocator.options.offerCallback(fwId, offers);
  const inverseOffers = run.inverseOffers(candidates);
  return {
    ran: true,
    agents: eligible.length,
    offers: run.offerCount,
    frameworks: run.offers.size,
    inverseOffers,
    filtered: run.filtered,
    heldBackForHeadroom: run.heldBack,
  };
}
