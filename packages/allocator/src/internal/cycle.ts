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
    let r = agent.allocatableCache.get(role);
    if (!r) {
      r = agent.available.allocatableTo(role);
      agent.allocatableCache.set(role, r);
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
    this.a.trackAllocated(fw, agent, allocated);
    this.offerCount++;
  }

  private addConsumed(role: string, q: ResourceQuantities): void {
    const c = this.consumed.get(role);
    if (c) this.consumed.set(role, c.plus(q));
  }

  /** Stage 1: only roles whose quota guarantees are not yet met, only up to them (plus what limits and headroom allow). */
  stage1(order: readonly AgentState[]): void {
    const a = this.a;
    for (const agent of order) {
      const roles = a.roleSorter.sort();
      for (const role of roles) {
        const node = a.roleTree.get(role);
        const guarantees = node?.quota.guarantees;
        if (!guarantees || guarantees.isEmpty()) continue;
        if (agent.available.isEmpty()) break;
        let unsatisfied = guarantees.minus(this.consumed.get(role) ?? ResourceQuantities.EMPTY);
        if (unsatisfied.isEmpty()) continue;
        const sorter = a.frameworkSorters.get(role);
        if (!sorter) continue;
        const limits = node.quota.limits;
        for (const fwId of sorter.sort()) {
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
          const consumption = offeringQ.plus(additional.scalarQuantities());
          unsatisfied = unsatisfied.minus(consumption);
          this.addConsumed(role, consumption);
          this.requiredHeadroom = this.requiredHeadroom.minus(offeringQ);
          this.availableHeadroom = this.availableHeadroom.minus(consumption);
        }
      }
    }
  }

  /** Stage 2: every role, within its limits, leaving headroom for unsatisfied guarantees. */
  stage2(order: readonly AgentState[]): void {
    const a = this.a;
    for (const agent of order) {
      const roles = a.roleSorter.sort();
      for (const role of roles) {
        if (agent.available.isEmpty()) break;
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
        const fws = sorter.sort();
        if (fws.length === 0) continue;
        const quota = a.roleTree.quota(role);
        const limits = quota.limits;
        const quotaBound = !limits.isEmpty() || !this.requiredHeadroom.isEmpty();
        let stable = !sharedPending && !quotaBound;
        let offered = false;
        let until = Number.POSITIVE_INFINITY;
        for (const fwId of fws) {
          const fw = a.frameworks.get(fwId);
          if (!fw || !fw.active) continue;
          let available = this.availableFor(agent, role);
          if (available.isEmpty()) {
            stable = false;
            break;
          }
          const minimums = this.minimums(fw, role);
          if (!isAllocatable(available, minimums) || !this.canReceive(fw, agent)) continue;
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
          if (!isAllocatable(toOffer, minimums)) continue;
          const filteredUntil = this.filteredUntil(fw, role, agent, toOffer);
          if (filteredUntil !== undefined) {
            this.filtered++;
            until = Math.min(until, filteredUntil);
            continue;
          }
          this.offer(fw, role, agent, toOffer);
          offered = true;
          if (additional !== undefined) {
            const consumption = additional.scalarQuantities();
            if (!isDefaultQuota(quota)) this.addConsumed(role, consumption);
            if (!this.requiredHeadroom.isEmpty()) this.availableHeadroom = this.availableHeadroom.minus(consumption);
          }
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
