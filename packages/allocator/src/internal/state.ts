/**
 * The allocator's records of frameworks and agents, and the small pure
 * helpers that decide what part of an agent a framework may be offered.
 */
import { FrameworkInfo_Capability_Type, type AgentInfo, type FrameworkInfo, type Unavailability } from '@mesos-ts/proto';
import type { allocator as allocatorProto } from '@mesos-ts/proto';
import { ResourceQuantities, Resources } from '@mesos-ts/resources';
import type { AgentCapabilities } from '../types';

export interface FrameworkCapabilities {
  readonly multiRole: boolean;
  readonly gpu: boolean;
  readonly revocable: boolean;
  readonly refinement: boolean;
  readonly shared: boolean;
}

export interface OfferFilter {
  /** What the framework refused, without allocation info. */
  readonly resources: Resources;
  readonly expiresAt: number;
  /**
   * The last instant the filter applies. Mesos removes a filter with a timer
   * of its own, and a periodic run due at the same instant only still sees it
   * when that run's timer was armed first, i.e. when the filter lasts at most
   * one allocation interval (a longer filter was armed before that run's
   * timer). So: through `expiresAt` for filters of <= 1 interval, just before
   * it otherwise.
   */
  readonly activeThrough: number;
}

/** Just below `t`, for exclusive expiry on a millisecond clock. */
export function justBefore(t: number): number {
  return t - 1e-6;
}

export interface FrameworkState {
  readonly id: string;
  info: FrameworkInfo;
  roles: Set<string>;
  readonly suppressed: Set<string>;
  active: boolean;
  caps: FrameworkCapabilities;
  /** Per-role `offer_filters.min_allocatable_resources`, when the framework set them. */
  minAllocatable: Map<string, readonly ResourceQuantities[]>;
  /** role -> agent -> filters. */
  readonly offerFilters: Map<string, Map<string, OfferFilter[]>>;
  /** agent -> expiry of the inverse-offer filter. */
  readonly inverseOfferFilters: Map<string, number>;
}

export interface Maintenance {
  unavailability: Unavailability;
  readonly statuses: Map<string, allocatorProto.InverseOfferStatus>;
  /** Frameworks with an inverse offer outstanding for this agent. */
  readonly outstanding: Set<string>;
}

/** "Every framework of this role was filtered on this agent", remembered until something relevant changes. */
export interface FilteredMark {
  readonly available: Resources;
  readonly frameworkEpoch: number;
  readonly filterEpoch: number;
  readonly until: number;
}

export interface AgentState {
  readonly id: string;
  info: AgentInfo;
  caps: AgentCapabilities;
  total: Resources;
  hasGpus: boolean;
  /** Offered or allocated resources per framework (with allocation info). */
  readonly allocations: Map<string, Resources>;
  /**
   * total - allocated, kept incrementally (shared resources always stay
   * available, as in Mesos). Resources arithmetic is exact, so adding and
   * taking away the same resources gives back the same value.
   */
  available: Resources;
  /** available.allocatableTo(role), per role, valid while `available === allocatableBase`. */
  readonly allocatableCache: Map<string, Resources>;
  allocatableBase: Resources | undefined;
  /** The total shrank below what is allocated; `available` is then recomputed on every change. */
  overcommitted: boolean;
  activated: boolean;
  maintenance: Maintenance | undefined;
  readonly filteredMarks: Map<string, FilteredMark>;
}

export const DEFAULT_AGENT_CAPABILITIES: AgentCapabilities = { multiRole: true, hierarchicalRole: true, reservationRefinement: true };

export function frameworkCapabilities(info: FrameworkInfo): FrameworkCapabilities {
  const types = new Set((info.capabilities ?? []).map((c) => c.type));
  return {
    multiRole: types.has(FrameworkInfo_Capability_Type.MULTI_ROLE),
    gpu: types.has(FrameworkInfo_Capability_Type.GPU_RESOURCES),
    revocable: types.has(FrameworkInfo_Capability_Type.REVOCABLE_RESOURCES),
    refinement: types.has(FrameworkInfo_Capability_Type.RESERVATION_REFINEMENT),
    shared: types.has(FrameworkInfo_Capability_Type.SHARED_RESOURCES),
  };
}

/** The roles a framework subscribes to: `roles` with MULTI_ROLE, else the single (deprecated) `role`, default `*`. */
export function frameworkRoles(info: FrameworkInfo): Set<string> {
  if (frameworkCapabilities(info).multiRole) return new Set(info.roles ?? []);
  return new Set([info.role ?? '*']);
}

/** `offer_filters[role].min_allocatable_resources`, per role that has an entry (an empty entry accepts anything). */
export function frameworkMinAllocatable(info: FrameworkInfo): Map<string, readonly ResourceQuantities[]> {
  const out = new Map<string, readonly ResourceQuantities[]>();
  for (const [role, filters] of Object.entries(info.offerFilters ?? {})) {
    const min = filters.minAllocatableResources;
    if (!min) continue;
    out.set(
      role,
      (min.quantities ?? []).map((q) => ResourceQuantities.of(Object.entries(q.quantities ?? {}).map(([name, s]) => [name, s.value ?? 0] as const))),
    );
  }
  return out;
}

const ALLOCATABLE = Symbol('mesos-ts.allocator.allocatable');
type WithAllocatable = Resources & { [ALLOCATABLE]?: { minimums: readonly ResourceQuantities[]; result: boolean } };

/**
 * Whether `resources` holds at least one of the quantity sets (an empty list
 * accepts anything non-empty). The answer for the last minimums asked is kept
 * on the (immutable) value: a run asks it of the same value several times.
 */
export function isAllocatable(resources: Resources, minimums: readonly ResourceQuantities[]): boolean {
  const memo = (resources as WithAllocatable)[ALLOCATABLE];
  if (memo !== undefined && memo.minimums === minimums) return memo.result;
  let result = false;
  if (!resources.isEmpty()) {
    if (minimums.length === 0) result = true;
    else for (const q of minimums) if (resources.containsQuantities(q)) { result = true; break; }
  }
  (resources as WithAllocatable)[ALLOCATABLE] = { minimums, result };
  return result;
}

interface ResourceFlags {
  readonly shared: boolean;
  readonly revocable: boolean;
  readonly refined: boolean;
  readonly reserved: boolean;
  readonly nonScalar: boolean;
}

/**
 * Flags are computed once per Resources value (values are immutable) and kept
 * on the value under a private symbol: a WeakMap lookup per agent per run
 * showed in profiles.
 */
const FLAGS = Symbol('mesos-ts.allocator.flags');
type Flagged = Resources & { [FLAGS]?: ResourceFlags };

/** What kinds of entries a Resources value holds. */
export function flagsOf(resources: Resources): ResourceFlags {
  const flagged = resources as Flagged;
  let f = flagged[FLAGS];
  if (f === undefined) {
    let shared = false;
    let revocable = false;
    let refined = false;
    let reserved = false;
    let nonScalar = false;
    for (const e of resources) {
      shared ||= e.shared;
      revocable ||= e.revocable;
      refined ||= e.reservations.length > 1;
      reserved ||= e.reservations.length > 0;
      nonScalar ||= e.scalar === undefined;
    }
    f = { shared, revocable, refined, reserved, nonScalar };
    flagged[FLAGS] = f;
  }
  return f;
}

/** Drops what the framework cannot take: shared without SHARED_RESOURCES, revocable without REVOCABLE_RESOURCES, refined reservations without RESERVATION_REFINEMENT. */
export function stripIncapable(resources: Resources, caps: FrameworkCapabilities): Resources {
  const f = flagsOf(resources);
  const dropShared = f.shared && !caps.shared;
  const dropRevocable = f.revocable && !caps.revocable;
  const dropRefined = f.refined && !caps.refinement;
  if (!dropShared && !dropRevocable && !dropRefined) return resources;
  return resources.filter((e) => !(dropShared && e.shared) && !(dropRevocable && e.revocable) && !(dropRefined && e.reservations.length > 1));
}

/**
 * Splits what may be offered into the part that is always offered whole
 * (reserved, non-scalar and revocable resources: they consume no unreserved
 * quota) and the unreserved non-revocable scalars, which quota limits and
 * headroom may cut down.
 */
export function splitForQuota(resources: Resources): { whole: Resources; quotaPart: Resources } {
  const f = flagsOf(resources);
  if (!f.reserved && !f.nonScalar && !f.revocable) return { whole: Resources.empty(), quotaPart: resources };
  return {
    whole: resources.filter((e) => e.reservations.length > 0 || e.scalar === undefined || e.revocable),
    quotaPart: resources.filter((e) => e.reservations.length === 0 && e.scalar !== undefined && !e.revocable),
  };
}
