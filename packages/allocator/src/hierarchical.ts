/**
 * The hierarchical DRF allocator: Mesos 1.11's `HierarchicalAllocatorProcess`
 * as a synchronous library. State changes come in through the methods below;
 * `allocate()` runs one offer-generation cycle and hands the offers to the
 * offer callback. No I/O, no timers: time comes from the injected clock, and
 * the driver (./driver) decides when cycles run.
 */
import { MesosTsError } from '@mesos-ts/errors';
import { encodeMesosJson, encodeProtobuf, type AgentInfo, type FrameworkInfo, type Offer_Operation, type Unavailability } from '@mesos-ts/proto';
import type { allocator as allocatorProto } from '@mesos-ts/proto';
import { ResourceQuantities, Resources, type ResourceOperation } from '@mesos-ts/resources';
import { runAllocation, type RunContext } from './internal/cycle';
import { withoutAllocation } from './internal/operations';
import { RoleTree } from './internal/role-tree';
import {
  DEFAULT_AGENT_CAPABILITIES,
  frameworkCapabilities,
  frameworkMinAllocatable,
  flagsOf,
  frameworkRoles,
  type AgentState,
  justBefore,
  type FrameworkState,
} from './internal/state';
import { explainFramework } from './explain';
import { allocatorMetrics } from './metrics';
import { DRFSorter } from './sorter/drf-sorter';
import { RandomSorter } from './sorter/random-sorter';
import { ResourcePool, type Sorter } from './sorter/sorter';
import type {
  AddAgentOptions,
  AllocationRunStats,
  AllocatorOptions,
  Explanation,
  InverseOfferStatuses,
  OfferFilters,
  Quota,
  SorterKind,
  UpdateAgentOptions,
} from './types';

const DEFAULT_MIN_ALLOCATABLE = [ResourceQuantities.of({ cpus: 0.01 }), ResourceQuantities.of({ mem: 32 })];
const MAX_REFUSE_SECONDS = 365 * 24 * 3600;
const DEFAULT_REFUSE_SECONDS = 5;

/** The agent's attributes as an order-free key (values may hold bigints, so no JSON.stringify). */
function attributeKey(info: AgentInfo): string {
  return (info.attributes ?? [])
    .map((a) => encodeMesosJson('mesos.v1.Attribute', a))
    .sort()
    .join('\n');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** `refuse_seconds` as Mesos reads it: capped at 365 days (infinity too), invalid or negative means 5 s. */
function refuseSeconds(filters: OfferFilters): number {
  const seconds = filters.refuseSeconds ?? DEFAULT_REFUSE_SECONDS;
  if (seconds > MAX_REFUSE_SECONDS) return MAX_REFUSE_SECONDS;
  if (Number.isNaN(seconds) || seconds < 0) return DEFAULT_REFUSE_SECONDS;
  return seconds;
}

function unknown(kind: string, id: string): MesosTsError {
  return new MesosTsError('NOT_FOUND', `Unknown ${kind} '${id}'`);
}

/**
 * Mesos's hierarchical DRF allocator. See the package README for the cycle,
 * the glossary and an embedding example.
 */
export class HierarchicalAllocator {
  /** @internal */ readonly options: Required<Omit<AllocatorOptions, 'inverseOfferCallback' | 'onAllocationRequested'>> & AllocatorOptions;
  /** @internal */ readonly frameworks = new Map<string, FrameworkState>();
  /** @internal */ readonly agents = new Map<string, AgentState>();
  /** @internal */ readonly roleTree = new RoleTree();
  /** @internal */ readonly pool = new ResourcePool();
  /** @internal */ readonly roleSorter: Sorter;
  /** @internal */ readonly frameworkSorters = new Map<string, Sorter>();
  /** @internal */ paused = false;
  /** Bumped when anything changes which frameworks may receive offers (see FilteredMark). @internal */
  frameworkEpoch = 0;
  /** Bumped when offer filters are removed before their expiry. @internal */
  filterEpoch = 0;
  /** @internal */ allocationRuns = 0;
  /** @internal */ lastRun: AllocationRunStats | undefined;
  private readonly pending = new Set<string>();
  private pendingAll = false;

  constructor(options: AllocatorOptions) {
    this.options = {
      allocationIntervalMs: 1000,
      minAllocatableResources: DEFAULT_MIN_ALLOCATABLE,
      fairnessExcludeResourceNames: [],
      filterGpuResources: true,
      roleSorter: 'drf',
      frameworkSorter: 'drf',
      random: Math.random,
      ...options,
    };
    // Nobody asks the role sorter for per-agent allocations (the agents keep
    // them), so it keeps quantities only.
    this.roleSorter = this.createSorter(this.options.roleSorter, false);
  }

  private createSorter(kind: SorterKind, perAgentAllocations = true): Sorter {
    return kind === 'random'
      ? new RandomSorter({ pool: this.pool, random: this.options.random })
      : new DRFSorter({ pool: this.pool, fairnessExcludeResourceNames: this.options.fairnessExcludeResourceNames, perAgentAllocations });
  }

  // --- frameworks ------------------------------------------------------------

  /**
   * Adds a framework. `usedByAgent` holds what it already uses per agent (on
   * failover), with allocation info; agents not yet added are skipped.
   * Suppressed roles start suppressed. Requests a run when active.
   */
  addFramework(
    frameworkId: string,
    info: FrameworkInfo,
    usedByAgent: ReadonlyMap<string, Resources> = new Map(),
    active = true,
    suppressedRoles: Iterable<string> = [],
  ): void {
    if (this.frameworks.has(frameworkId)) throw new MesosTsError('CONFLICT', `Framework '${frameworkId}' is already added`);
    const fw: FrameworkState = {
      id: frameworkId,
      info,
      roles: frameworkRoles(info),
      suppressed: new Set(suppressedRoles),
      active: true,
      caps: frameworkCapabilities(info),
      minAllocatable: frameworkMinAllocatable(info),
      offerFilters: new Map(),
      inverseOfferFilters: new Map(),
    };
    this.frameworks.set(frameworkId, fw);
    this.frameworkEpoch++;
    for (const role of fw.roles) {
      const sorter = this.trackFrameworkUnderRole(fw, role);
      if (fw.suppressed.has(role)) sorter.deactivate(frameworkId);
      else sorter.activate(frameworkId);
    }
    for (const [agentId, resources] of usedByAgent) {
      const agent = this.agents.get(agentId);
      if (!agent) continue;
      // The agent may have reported these before the framework was known.
      const held = agent.allocations.get(frameworkId);
      if (held) {
        agent.allocations.delete(frameworkId);
        agent.available = agent.available.plus(held.unallocate().nonShared());
      }
      this.trackAllocated(fw, agent, resources);
    }
    if (active) this.requestAllocation();
    else this.deactivateFramework(frameworkId);
  }

  /** Removes a framework and gives back everything offered or allocated to it. */
  removeFramework(frameworkId: string): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    for (const agent of this.agents.values()) {
      const held = agent.allocations.get(frameworkId);
      if (held) this.untrackAllocated(fw, agent, held);
    }
    for (const role of [...fw.roles]) this.untrackFrameworkUnderRole(fw, role, true);
    // Roles it held resources in without subscribing were untracked as they emptied.
    this.frameworks.delete(frameworkId);
    this.frameworkEpoch++;
    this.filterEpoch++;
  }

  /** Makes a framework eligible for offers again (in every role it has not suppressed). Requests a run. */
  activateFramework(frameworkId: string): void {
    const fw = this.framework(frameworkId);
    fw.active = true;
    for (const role of fw.roles) if (!fw.suppressed.has(role)) this.frameworkSorters.get(role)?.activate(frameworkId);
    this.frameworkEpoch++;
    this.requestAllocation();
  }

  /** Stops offers to a framework (its allocations still count); drops all its filters. */
  deactivateFramework(frameworkId: string): void {
    const fw = this.framework(frameworkId);
    for (const role of fw.roles) this.frameworkSorters.get(role)?.deactivate(frameworkId);
    fw.active = false;
    fw.offerFilters.clear();
    fw.inverseOfferFilters.clear();
    this.frameworkEpoch++;
    this.filterEpoch++;
  }

  /**
   * Replaces a framework's info (roles, capabilities, offer filters) and its
   * suppressed roles. New roles start active; removed roles lose their
   * filters. No run is requested (as Mesos).
   */
  updateFramework(frameworkId: string, info: FrameworkInfo, suppressedRoles: Iterable<string> = []): void {
    const fw = this.framework(frameworkId);
    const oldRoles = fw.roles;
    const newRoles = frameworkRoles(info);
    for (const role of newRoles) {
      if (oldRoles.has(role)) continue;
      this.trackFrameworkUnderRole(fw, role).activate(frameworkId);
    }
    for (const role of oldRoles) {
      if (newRoles.has(role)) continue;
      this.frameworkSorters.get(role)?.deactivate(frameworkId);
      fw.offerFilters.delete(role);
      fw.suppressed.delete(role);
    }
    fw.roles = newRoles;
    for (const role of oldRoles) if (!newRoles.has(role)) this.untrackFrameworkUnderRole(fw, role, false);
    fw.info = info;
    fw.caps = frameworkCapabilities(info);
    fw.minAllocatable = frameworkMinAllocatable(info);
    const wanted = new Set([...suppressedRoles].filter((r) => newRoles.has(r)));
    const toSuppress = [...wanted].filter((r) => !fw.suppressed.has(r));
    const toRevive = [...fw.suppressed].filter((r) => !wanted.has(r) && newRoles.has(r));
    if (toSuppress.length > 0) this.suppressRoles(fw, toSuppress);
    this.reviveRoles(fw, toRevive);
    this.frameworkEpoch++;
    this.filterEpoch++;
  }

  /** Stops offers to a framework for `roles` (all its roles when omitted or empty). No run is requested. */
  suppressOffers(frameworkId: string, roles?: Iterable<string>): void {
    const fw = this.framework(frameworkId);
    const list = roles ? [...roles] : [];
    this.suppressRoles(fw, list.length > 0 ? list : [...fw.roles]);
    this.frameworkEpoch++;
  }

  /** Resumes offers for `roles` (all when omitted or empty), dropping their offer filters and all inverse-offer filters. Requests a run. */
  reviveOffers(frameworkId: string, roles?: Iterable<string>): void {
    const fw = this.framework(frameworkId);
    const list = roles ? [...roles] : [];
    this.reviveRoles(fw, list.length > 0 ? list : [...fw.roles]);
    this.frameworkEpoch++;
    this.filterEpoch++;
    this.requestAllocation();
  }

  private suppressRoles(fw: FrameworkState, roles: Iterable<string>): void {
    for (const role of roles) {
      this.frameworkSorters.get(role)?.deactivate(fw.id);
      fw.suppressed.add(role);
    }
  }

  private reviveRoles(fw: FrameworkState, roles: Iterable<string>): void {
    fw.inverseOfferFilters.clear();
    for (const role of roles) {
      fw.offerFilters.delete(role);
      fw.suppressed.delete(role);
      if (fw.active && fw.roles.has(role)) this.frameworkSorters.get(role)?.activate(fw.id);
    }
  }

  // --- agents ------------------------------------------------------------------

  /**
   * Adds an agent with its total resources and what frameworks already use on
   * it (with allocation info; on failover). Requests a run for it.
   */
  addAgent(agentId: string, info: AgentInfo, total: Resources, usedByFramework: ReadonlyMap<string, Resources> = new Map(), options: AddAgentOptions = {}): void {
    if (this.agents.has(agentId)) throw new MesosTsError('CONFLICT', `Agent '${agentId}' is already added`);
    const agent: AgentState = {
      id: agentId,
      info,
      caps: { ...DEFAULT_AGENT_CAPABILITIES, ...options.capabilities },
      total,
      hasGpus: (total.get('gpus') ?? 0) > 0,
      allocations: new Map(),
      available: total,
      allocatableCache: new Map(),
      allocatableBase: undefined,
      overcommitted: false,
      activated: true,
      maintenance: options.unavailability ? { unavailability: options.unavailability, statuses: new Map(), outstanding: new Set() } : undefined,
      filteredMarks: new Map(),
    };
    this.agents.set(agentId, agent);
    this.roleTree.trackReservations(total, 1);
    this.pool.addAgent(agentId, total.scalarQuantities());
    for (const [frameworkId, resources] of usedByFramework) {
      const fw = this.frameworks.get(frameworkId);
      if (fw) this.trackAllocated(fw, agent, resources);
      else this.holdUnknown(agent, frameworkId, resources);
    }
    this.requestAllocation([agentId]);
  }

  /** Resources of frameworks the allocator does not know yet: they are taken from the agent, not given to anyone. */
  private holdUnknown(agent: AgentState, frameworkId: string, resources: Resources): void {
    const prev = agent.allocations.get(frameworkId);
    agent.allocations.set(frameworkId, prev ? prev.plus(resources) : resources);
    agent.available = agent.available.minus(resources.unallocate().nonShared());
  }

  /** Removes an agent, with everything offered or allocated on it and every filter for it. */
  removeAgent(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    for (const [frameworkId, held] of [...agent.allocations]) {
      const fw = this.frameworks.get(frameworkId);
      if (fw) this.untrackAllocated(fw, agent, held);
    }
    this.roleTree.trackReservations(agent.total, -1);
    this.pool.removeAgent(agentId);
    this.agents.delete(agentId);
    this.pending.delete(agentId);
    for (const fw of this.frameworks.values()) {
      for (const byAgent of fw.offerFilters.values()) byAgent.delete(agentId);
      fw.inverseOfferFilters.delete(agentId);
    }
    this.filterEpoch++;
  }

  /**
   * Updates an agent's info, capabilities or total. Changed attributes drop
   * every filter on the agent (schedulers may have declined because of them).
   * Requests a run for the agent if anything changed.
   */
  updateAgent(agentId: string, update: UpdateAgentOptions): void {
    const agent = this.agent(agentId);
    let changed = false;
    if (update.info) {
      // As Mesos compares Attributes: the same set, in any order.
      const attrsChanged = attributeKey(update.info) !== attributeKey(agent.info);
      if (attrsChanged) {
        for (const fw of this.frameworks.values()) {
          for (const byAgent of fw.offerFilters.values()) byAgent.delete(agentId);
          fw.inverseOfferFilters.delete(agentId);
        }
        this.filterEpoch++;
      }
      changed ||= attrsChanged || !sameBytes(encodeProtobuf('mesos.v1.AgentInfo', update.info), encodeProtobuf('mesos.v1.AgentInfo', agent.info));
      agent.info = update.info;
    }
    if (update.capabilities) {
      agent.caps = { ...agent.caps, ...update.capabilities };
      agent.filteredMarks.clear();
      changed = true;
    }
    if (update.total && !update.total.equals(agent.total)) {
      this.setTotal(agent, update.total);
      changed = true;
    }
    if (changed) this.requestAllocation([agentId]);
  }

  private setTotal(agent: AgentState, total: Resources): void {
    this.roleTree.trackReservations(agent.total, -1);
    this.roleTree.trackReservations(total, 1);
    const removed = agent.total.minus(total);
    const added = total.minus(agent.total);
    agent.total = total;
    agent.hasGpus = (total.get('gpus') ?? 0) > 0;
    this.pool.removeAgent(agent.id);
    this.pool.addAgent(agent.id, total.scalarQuantities());
    // What left the total leaves `available` too, what came in joins it;
    // unless it was not available (the total shrank below the allocation).
    if (!agent.overcommitted && agent.available.contains(removed)) agent.available = agent.available.minus(removed).plus(added);
    else this.recomputeAvailable(agent);
  }

  /**
   * total - allocated from scratch. Needed when the total shrank below what
   * is allocated (Mesos allows that over-allocation): then adding back what a
   * framework returns would overshoot, so `available` is recomputed until the
   * agent fits its total again.
   */
  private recomputeAvailable(agent: AgentState): void {
    const held = Resources.sum([...agent.allocations.values()].map((r) => r.unallocate().nonShared()));
    agent.available = agent.total.minus(held);
    agent.overcommitted = !agent.total.contains(held);
  }

  /** Makes a deactivated agent eligible again. No run is requested (as Mesos). */
  activateAgent(agentId: string): void {
    this.agent(agentId).activated = true;
  }

  /** Stops offers of a (e.g. draining) agent; what is allocated on it stays. */
  deactivateAgent(agentId: string): void {
    this.agent(agentId).activated = false;
  }

  // --- resources -----------------------------------------------------------------

  /**
   * Applies operations (RESERVE, UNRESERVE, CREATE, DESTROY, ...) a framework
   * made on resources offered or allocated to it, and to the agent's total.
   * `offeredResources` must be allocated to exactly one role.
   */
  updateAllocation(frameworkId: string, agentId: string, offeredResources: Resources, operations: readonly (Offer_Operation | ResourceOperation)[]): void {
    const fw = this.framework(frameworkId);
    const agent = this.agent(agentId);
    const roles = [...offeredResources.allocations().keys()];
    if (roles.length !== 1) throw new MesosTsError('INVALID_ARGUMENT', `updateAllocation: resources must be allocated to exactly one role, got [${roles.join(', ')}]`);
    const role = roles[0] as string;
    const held = agent.allocations.get(frameworkId) ?? Resources.empty();
    if (!held.contains(offeredResources)) {
      throw new MesosTsError('INVALID_ARGUMENT', `updateAllocation: ${offeredResources.toString()} is not offered or allocated to framework '${frameworkId}' on agent '${agentId}'`);
    }
    const ops = operations.map(withoutAllocation);
    const converted = offeredResources.unallocate().applyAll(ops);
    if (!converted.ok) throw converted.error;
    const total = agent.total.applyAll(ops);
    if (!total.ok) throw total.error;
    this.untrackAllocated(fw, agent, offeredResources);
    this.setTotal(agent, total.value);
    this.trackAllocated(fw, agent, converted.value.allocate(role));
  }

  /**
   * Applies operator operations (e.g. RESERVE from `/reserve`) to an agent's
   * unallocated resources. Fails, changing nothing, if they are not available.
   */
  updateAvailable(agentId: string, operations: readonly (Offer_Operation | ResourceOperation)[]): void {
    const agent = this.agent(agentId);
    const ops = operations.map(withoutAllocation);
    const available = agent.available.applyAll(ops);
    if (!available.ok) throw available.error;
    const total = agent.total.applyAll(ops);
    if (!total.ok) throw total.error;
    this.setTotal(agent, total.value);
  }

  /**
   * Gives back resources offered or allocated to a framework on an agent
   * (declined, unused or freed). With `filters` (DECLINE/ACCEPT), the
   * framework is not offered them again on this agent for `refuse_seconds`
   * (default 5, at least one allocation interval, at most 365 days, 0 = no filter).
   * No run is requested (as Mesos).
   */
  recoverResources(frameworkId: string, agentId: string, resources: Resources, filters?: OfferFilters): void {
    if (resources.isEmpty()) return;
    const fw = this.frameworks.get(frameworkId);
    const agent = this.agents.get(agentId);
    if (!fw || !agent) return;
    const held = agent.allocations.get(frameworkId) ?? Resources.empty();
    if (held !== resources && !held.contains(resources)) {
      throw new MesosTsError('INVALID_ARGUMENT', `recoverResources: ${resources.toString()} is not offered or allocated to framework '${frameworkId}' on agent '${agentId}'`);
    }
    const unallocated = resources.unallocate();
    this.untrackAllocated(fw, agent, resources, unallocated);
    if (!filters) return;
    const seconds = refuseSeconds(filters);
    if (seconds === 0) return;
    const interval = this.options.allocationIntervalMs;
    const timeout = Math.max(interval, seconds * 1000);
    const expiresAt = this.options.clock.now() + timeout;
    const activeThrough = timeout <= interval ? expiresAt : justBefore(expiresAt);
    const byRole = resources.allocations();
    for (const [role, part] of byRole) {
      let byAgent = fw.offerFilters.get(role);
      if (!byAgent) fw.offerFilters.set(role, (byAgent = new Map()));
      let list = byAgent.get(agentId);
      if (!list) byAgent.set(agentId, (list = []));
      list.push({ resources: byRole.size === 1 ? unallocated : part.unallocate(), expiresAt, activeThrough });
    }
  }

  // --- quota, weights, maintenance ------------------------------------------------

  /** Sets a role's quota (guarantees and limits); `DEFAULT_QUOTA` removes it. No run is requested. */
  updateQuota(role: string, quota: Quota): void {
    this.roleTree.setQuota(role, quota);
    this.frameworkEpoch++;
  }

  /** Sets role weights (a role left out keeps its weight). No run is requested. */
  updateWeights(weights: Iterable<readonly [string, number]>): void {
    for (const [role, weight] of weights) {
      if (!(weight > 0) || !Number.isFinite(weight)) throw new MesosTsError('INVALID_ARGUMENT', `weight of role '${role}' must be a positive number, got ${weight}`);
      this.roleTree.setWeight(role, weight);
      this.roleSorter.updateWeight(role, weight);
    }
  }

  /** Sets or clears an agent's maintenance window; drops inverse-offer filters and statuses for it. Requests a run for it. */
  updateUnavailability(agentId: string, unavailability?: Unavailability): void {
    const agent = this.agent(agentId);
    for (const fw of this.frameworks.values()) fw.inverseOfferFilters.delete(agentId);
    agent.maintenance = unavailability ? { unavailability, statuses: new Map(), outstanding: new Set() } : undefined;
    this.requestAllocation([agentId]);
  }

  /**
   * Records a framework's answer to an inverse offer (or its rescind or
   * timeout, with no status). `filters` keep it from being asked again on
   * this agent for `refuse_seconds`.
   */
  updateInverseOffer(agentId: string, frameworkId: string, status?: allocatorProto.InverseOfferStatus, filters?: OfferFilters): void {
    const agent = this.agent(agentId);
    const fw = this.framework(frameworkId);
    const m = agent.maintenance;
    if (!m) throw new MesosTsError('INVALID_ARGUMENT', `Agent '${agentId}' has no maintenance scheduled`);
    m.outstanding.delete(frameworkId);
    if (status) m.statuses.set(frameworkId, status);
    if (filters) {
      const seconds = refuseSeconds(filters);
      // Filters accumulate (Mesos keeps a set): a shorter one never cuts a longer one short.
      const until = justBefore(this.options.clock.now() + seconds * 1000);
      if (seconds > 0) fw.inverseOfferFilters.set(agentId, Math.max(until, fw.inverseOfferFilters.get(agentId) ?? -Infinity));
    }
  }

  /** The inverse-offer statuses per agent under maintenance: agent -> framework -> status. */
  inverseOfferStatuses(): InverseOfferStatuses {
    const out: InverseOfferStatuses = new Map();
    for (const agent of this.agents.values()) if (agent.maintenance) out.set(agent.id, new Map(agent.maintenance.statuses));
    return out;
  }

  // --- cycles ------------------------------------------------------------------------

  /** Stops allocation: runs do nothing and requests are dropped until `resume()`. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Whether an event has requested a run since the last one. */
  get hasPendingAllocation(): boolean {
    return this.pendingAll || this.pending.size > 0;
  }

  /**
   * Runs one allocation cycle over `agentIds` (all agents when omitted) and
   * calls the offer and inverse-offer callbacks. Synchronous; returns what it did.
   */
  allocate(agentIds?: Iterable<string>): AllocationRunStats {
    if (this.paused) return this.notRun();
    let candidates: AgentState[];
    if (agentIds === undefined) {
      candidates = [...this.agents.values()];
      this.pending.clear();
      this.pendingAll = false;
    } else {
      candidates = [];
      for (const id of agentIds) {
        const a = this.agents.get(id);
        if (a) candidates.push(a);
      }
    }
    return this.run(candidates);
  }

  /** Runs a cycle over the agents that events asked for since the last run (Mesos batches them). */
  allocatePending(): AllocationRunStats {
    if (this.paused) return this.notRun();
    if (this.pendingAll) return this.allocate();
    const ids = [...this.pending];
    this.pending.clear();
    return this.allocate(ids);
  }

  private notRun(): AllocationRunStats {
    return { ran: false, agents: 0, offers: 0, frameworks: 0, inverseOffers: 0, filtered: 0, heldBackForHeadroom: ResourceQuantities.EMPTY };
  }

  private run(candidates: AgentState[]): AllocationRunStats {
    this.allocationRuns++;
    const ctx: RunContext = {
      allocator: this,
      now: this.options.clock.now(),
      random: this.options.random,
    };
    const stats = runAllocation(ctx, candidates);
    this.lastRun = stats;
    return stats;
  }

  /** Explains, per role, why a framework is (not) getting offers right now. */
  explain(frameworkId: string, role?: string): Explanation {
    return explainFramework(this, frameworkId, role);
  }

  // --- queries ----------------------------------------------------------------------

  /** Quota consumed by a role: offered or allocated unreserved non-revocable resources plus reservations (subtree). */
  quotaConsumed(role: string): ResourceQuantities {
    return this.roleTree.consumed(role);
  }

  quota(role: string): Quota {
    return this.roleTree.quota(role);
  }

  weight(role: string): number {
    return this.roleTree.weight(role);
  }

  /** What is offered or allocated to a framework, per agent. */
  allocation(frameworkId: string): Map<string, Resources> {
    const out = new Map<string, Resources>();
    for (const agent of this.agents.values()) {
      const r = agent.allocations.get(frameworkId);
      if (r && !r.isEmpty()) out.set(agent.id, r);
    }
    return out;
  }

  /** An agent's unallocated resources. */
  available(agentId: string): Resources {
    return this.agent(agentId).available;
  }

  /** Roles known to the allocator (with frameworks, weights, quota or reservations) and their ancestors. */
  roles(): string[] {
    return [...this.roleTree.roles()].map((n) => n.role).sort();
  }

  /** Metrics under Mesos's names (`allocator/mesos/...`), for `/metrics/snapshot`. */
  metrics(): Map<string, number> {
    return allocatorMetrics(this);
  }


  // --- internals -----------------------------------------------------------------------

  /** @internal */
  requestAllocation(agentIds?: readonly string[]): void {
    if (this.paused) return;
    if (agentIds === undefined) this.pendingAll = true;
    else for (const id of agentIds) this.pending.add(id);
    this.options.onAllocationRequested?.();
  }

  /** @internal */
  framework(id: string): FrameworkState {
    const fw = this.frameworks.get(id);
    if (!fw) throw unknown('framework', id);
    return fw;
  }

  /** @internal */
  agent(id: string): AgentState {
    const a = this.agents.get(id);
    if (!a) throw unknown('agent', id);
    return a;
  }

  /** @internal The framework sorter of a role, creating the role's sorter entries on first use. */
  trackFrameworkUnderRole(fw: FrameworkState, role: string): Sorter {
    this.roleTree.trackFramework(role, fw.id);
    let sorter = this.frameworkSorters.get(role);
    if (!sorter) {
      sorter = this.createSorter(this.options.frameworkSorter);
      this.frameworkSorters.set(role, sorter);
      this.roleSorter.add(role);
      this.roleSorter.activate(role);
    }
    if (!sorter.contains(fw.id)) sorter.add(fw.id);
    return sorter;
  }

  /** @internal Forgets a framework under a role once it holds nothing there (or always, when `force`). */
  untrackFrameworkUnderRole(fw: FrameworkState, role: string, force: boolean): void {
    const sorter = this.frameworkSorters.get(role);
    if (!sorter || !sorter.contains(fw.id)) return;
    if (!force && sorter.allocation(fw.id).size > 0) return;
    sorter.remove(fw.id);
    this.roleTree.untrackFramework(role, fw.id);
    if (sorter.count() === 0) {
      this.frameworkSorters.delete(role);
      this.roleSorter.remove(role);
    }
  }

  /**
   * @internal Records resources (with allocation info) as offered or
   * allocated to a framework on an agent. `unallocated` may pass the same
   * resources without allocation info when the caller has them at hand.
   */
  trackAllocated(fw: FrameworkState, agent: AgentState, resources: Resources, unallocated?: Resources, role?: string): void {
    if (role !== undefined) this.trackInRole(fw, agent, role, resources);
    else for (const [r, part] of resources.allocations()) this.trackInRole(fw, agent, r, part);
    const prev = agent.allocations.get(fw.id);
    agent.allocations.set(fw.id, prev ? prev.plus(resources) : resources);
    if (agent.overcommitted) return this.recomputeAvailable(agent);
    const plain = unallocated ?? resources.unallocate();
    // Coarse-grained offers usually take all that is available: skip the arithmetic then.
    if (plain === agent.available && !flagsOf(plain).shared) agent.available = Resources.empty();
    else agent.available = agent.available.minus(flagsOf(plain).shared ? plain.nonShared() : plain);
  }

  private trackInRole(fw: FrameworkState, agent: AgentState, role: string, part: Resources): void {
    const sorter = this.trackFrameworkUnderRole(fw, role);
    this.roleSorter.allocated(role, agent.id, part);
    sorter.allocated(fw.id, agent.id, part);
    this.roleTree.trackOffered(role, part, 1);
  }

  /** @internal The reverse of trackAllocated. */
  untrackAllocated(fw: FrameworkState, agent: AgentState, resources: Resources, unallocated?: Resources): void {
    for (const [role, part] of resources.allocations()) {
      const sorter = this.frameworkSorters.get(role);
      if (sorter?.contains(fw.id)) {
        sorter.unallocated(fw.id, agent.id, part);
        this.roleSorter.unallocated(role, agent.id, part);
      }
      this.roleTree.trackOffered(role, part, -1);
      if (!fw.roles.has(role)) this.untrackFrameworkUnderRole(fw, role, false);
    }
    const prev = agent.allocations.get(fw.id) ?? Resources.empty();
    const left = prev === resources ? Resources.empty() : prev.minus(resources);
    if (left.isEmpty()) agent.allocations.delete(fw.id);
    else agent.allocations.set(fw.id, left);
    if (agent.overcommitted) return this.recomputeAvailable(agent);
    const plain = unallocated ?? resources.unallocate();
    const back = flagsOf(plain).shared ? plain.nonShared() : plain;
    agent.available = agent.available.isEmpty() ? back : agent.available.plus(back);
  }

}
