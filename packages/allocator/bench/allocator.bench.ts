/**
 * The allocator benchmarks of Apache Mesos, with Mesos's parameters, beside
 * Mesos's published figures and our targets. Run with `npm run bench:allocator`
 * (default parameter sets) or `npm run bench:allocator -- --all` (all of them).
 *
 * | scenario | Mesos benchmark |
 * |---|---|
 * | allocator/DeclineOffers | HierarchicalAllocator_BENCHMARK_Test.DeclineOffers |
 * | allocator/SuppressOffers, allocator/ExtremeSuppressOffers | HierarchicalAllocator_BENCHMARK_Test.(Extreme)SuppressOffers |
 * | allocator/LargeAndSmallQuota | BENCHMARK_HierarchicalAllocator_WithQuotaParam.LargeAndSmallQuota |
 * | allocator/MultiFrameworkAllocations | BENCHMARK_HierarchicalAllocations.MultiFrameworkAllocations |
 * | allocator/UpdateAllocation | HierarchicalAllocator__BENCHMARK_WithResourceParam.UpdateAllocation |
 *
 * Each file under ./allocator/ says what is timed and how it departs from
 * Mesos's run, if at all. ./allocator/run-one.ts runs one scenario alone
 * (for profiling).
 */
import type { BenchScenario } from '../../../tools/bench/harness';
import { declineOffers } from './allocator/decline-offers';
import { multiFrameworkAllocations } from './allocator/multi-framework';
import { largeAndSmallQuota } from './allocator/quota';
import { extremeSuppressOffers, suppressOffers } from './allocator/suppress-offers';
import { updateAllocation } from './allocator/update-allocation';

export const scenarios: BenchScenario[] = [
  ...declineOffers,
  ...suppressOffers,
  ...extremeSuppressOffers,
  ...largeAndSmallQuota,
  ...multiFrameworkAllocations,
  ...updateAllocation,
];
