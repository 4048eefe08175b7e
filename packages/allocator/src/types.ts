/**
 * Public types of the allocator: its options, callbacks, inputs and the
 * statistics and explanations it returns.
 */
import type { AgentInfo, Unavailability } from '@mesos-ts/proto';
import type { allocator as allocatorProto } from '@mesos-ts/proto';
import type { ResourceLimits, ResourceQuantities, Resources } from '@mesos-ts/resources';

/** Where the allocator reads time from: milliseconds on any monotonic scale. Injected, never `Date.now`. */
export interface Clock {
  now(): number;
}

/**
 * Offers made in one allocation run to one framework: role -> agent ID ->
 * resources (allocated to that role).
 */
export type OfferMap = Map<string, Map<string, Resources>>;

/** Called once per framework per run that produced offers for it. */
export type OfferCallback = (frameworkId: string, offers: OfferMap) => void;

/** What a framework is asked to give back on an agent under maintenance (empty `resources` = the whole agent). */
export interface UnavailableResources {
  readonly resources: Resources;
  readonly unavailability: Unavailability;
}

/** Called once per framework per run that produced inverse offers for it: agent ID -> request. */
export type InverseOfferCallback = (frameworkId: string, inverseOffers: Map<string, UnavailableResources>) => void;

/** A role's quota: guarantees (absent name = 0) and limits (absent name = no limit). */
export interface Quota {
  readonly guarantees: ResourceQuantities;
  readonly limits: ResourceLimits;
}

/** Which sorter orders roles and frameworks (Mesos's `--role_sorter` / `--framework_sorter`). */
export type SorterKind = 'drf' | 'random';

export interface AllocatorOptions {
  /** Receives the offers of each run, one call per framework. */
  readonly offerCallback: OfferCallback;
  /** Receives inverse offers (maintenance). Optional: without it none are made. */
  readonly inverseOfferCallback?: InverseOfferCallback;
  /** The time source for filter expiry. */
  readonly clock: Clock;
  /** Mesos's `--allocation_interval`; also the shortest lifetime of an offer filter. Default 1000 ms. */
  readonly allocationIntervalMs?: number;
  /**
   * Mesos's `--min_allocatable_resources`: an offer must contain at least one
   * of these quantity sets. Default `cpus:0.01|mem:32`. An empty list accepts
   * any non-empty offer.
   */
  readonly minAllocatableResources?: readonly ResourceQuantities[];
  /** Mesos's `--fair_sharing_excluded_resource_names` (e.g. `['gpus']`). */
  readonly fairnessExcludeResourceNames?: readonly string[];
  /** Mesos's `--filter_gpu_resources`: agents with GPUs only go to GPU_RESOURCES frameworks. Default true. */
  readonly filterGpuResources?: boolean;
  readonly roleSorter?: SorterKind;
  readonly frameworkSorter?: SorterKind;
  /**
   * Random numbers in [0, 1) for the agent shuffles, quota chopping and the
   * random sorter. Default `Math.random`; pass a seeded generator for
   * reproducible runs. Mesos shuffles agents before each stage.
   */
  readonly random?: () => number;
  /**
   * Called when an event asks for an allocation run (Mesos dispatches one
   * then): a framework or agent added, a revive, and so on. The driver uses
   * it to schedule `allocatePending()`; an embedder may ignore it and call
   * `allocate()` on its own schedule.
   */
  readonly onAllocationRequested?: () => void;
}

/** Agent capabilities the allocator cares about (all true for agents of Mesos >= 1.5). */
export interface AgentCapabilities {
  readonly multiRole: boolean;
  readonly hierarchicalRole: boolean;
  readonly reservationRefinement: boolean;
}

export interface AddAgentOptions {
  readonly capabilities?: Partial<AgentCapabilities>;
  /** A maintenance window: the agent will be unavailable (inverse offers are made). */
  readonly unavailability?: Unavailability;
}

export interface UpdateAgentOptions {
  readonly info?: AgentInfo;
  /** The new total (e.g. with new revocable resources from oversubscription). */
  readonly total?: Resources;
  readonly capabilities?: Partial<AgentCapabilities>;
}

/** Offer filters as a scheduler sends them with DECLINE or ACCEPT (`Filters.refuse_seconds`, default 5). */
export interface OfferFilters {
  readonly refuseSeconds?: number | undefined;
}

/** What one `allocate()` run did. */
export interface AllocationRunStats {
  /** False when the allocator is paused (nothing was done). */
  readonly ran: boolean;
  /** Agents considered (existing, active candidates). */
  readonly agents: number;
  /** (framework, role, agent) chunks offered. */
  readonly offers: number;
  /** Frameworks that received offers. */
  readonly frameworks: number;
  /** (framework, agent) inverse offers made. */
  readonly inverseOffers: number;
  /** Candidate (framework, role, agent) combinations skipped because of an offer filter. */
  readonly filtered: number;
  /** Unreserved scalar resources held back to keep headroom for unsatisfied quota guarantees. */
  readonly heldBackForHeadroom: ResourceQuantities;
}

/** Everything the allocator knows about a framework's inverse-offer replies on an agent. */
export type InverseOfferStatuses = Map<string, Map<string, allocatorProto.InverseOfferStatus>>;

/** One reason a framework is getting no offers (see `explain`). */
export type ExplanationReason =
  | { readonly kind: 'UNKNOWN_FRAMEWORK' }
  | { readonly kind: 'FRAMEWORK_INACTIVE' }
  | { readonly kind: 'NOT_SUBSCRIBED'; readonly role: string }
  | { readonly kind: 'PAUSED' }
  | { readonly kind: 'SUPPRESSED'; readonly role: string }
  | { readonly kind: 'NO_AGENTS' }
  | { readonly kind: 'FILTERED'; readonly role: string; readonly agents: number; readonly until: number }
  | { readonly kind: 'QUOTA_LIMIT_REACHED'; readonly role: string; readonly limits: ResourceLimits; readonly consumed: ResourceQuantities }
  | { readonly kind: 'HELD_FOR_QUOTA_HEADROOM'; readonly role: string; readonly agents: number }
  | { readonly kind: 'BELOW_MIN_ALLOCATABLE'; readonly role: string; readonly agents: number }
  | { readonly kind: 'LACKS_GPU_CAPABILITY'; readonly agents: number }
  | { readonly kind: 'LACKS_CAPABILITY'; readonly role: string; readonly capability: string; readonly agents: number }
  | { readonly kind: 'AGENT_LACKS_CAPABILITY'; readonly role: string; readonly capability: string; readonly agents: number }
  | { readonly kind: 'AGENTS_DEACTIVATED'; readonly agents: number }
  | { readonly kind: 'ALLOCATED_ELSEWHERE'; readonly role: string; readonly agents: number }
  | { readonly kind: 'OFFERABLE'; readonly role: string; readonly agents: number };

/** Why a framework gets (or does not get) offers right now, per role, as data and as sentences. */
export interface Explanation {
  readonly frameworkId: string;
  readonly reasons: readonly ExplanationReason[];
  /** The reasons in words, one sentence each. */
  readonly summary: readonly string[];
}
