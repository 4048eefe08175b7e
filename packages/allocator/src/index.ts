/**
 * @mesos-ts/allocator: Apache Mesos's hierarchical DRF allocator as an
 * embeddable, pure library. See README.md for the cycle and an example.
 */
export { HierarchicalAllocator } from './hierarchical';
export { DEFAULT_QUOTA } from './internal/role-tree';
export * from './sorter';
export type {
  AddAgentOptions,
  AgentCapabilities,
  AllocationRunStats,
  AllocatorOptions,
  Clock,
  Explanation,
  ExplanationReason,
  InverseOfferCallback,
  InverseOfferStatuses,
  OfferCallback,
  OfferFilters,
  OfferMap,
  Quota,
  SorterKind,
  UnavailableResources,
  UpdateAgentOptions,
} from './types';
