/**
 * `allocator/LargeAndSmallQuota`: Mesos's `BENCHMARK_HierarchicalAllocator_
 * WithQuotaParam.LargeAndSmallQuota` (hierarchical_allocator_benchmarks.cpp),
 * for both sorters and the three sizes (small roles, large roles) =
 * (25, 5), (250, 50), (2500, 500), one framework per role.
 *
 * Agents: small/5 + large x 5 of `cpus:2;mem:2048;disk:2048` (added first,
 * timed). Frameworks (MULTI_ROLE + RESERVATION_REFINEMENT, one role each) are
 * added while the allocator is paused (timed). Quota, guarantee = limit:
 * small roles `cpus:1;mem:1024;disk:1024` (half an agent), large roles
 * `cpus:4;mem:4096;disk:4096` (two agents). Then one run is timed (it offers
 * the whole cluster: Mesos makes 3500 offers at 3000 agents), and a second
 * one, which has nothing left to offer.
 */
import type { SorterKind } from '@mesos-ts/allocator';
import { agentInfo, frameworkInfo, r } from '@mesos-ts/allocator/testing';
import { ResourceLimits, type ResourceQuantities } from '@mesos-ts/resources';
import type { BenchFigure, BenchScenario } from '../../../../tools/bench/harness';
import { cluster, INTERVAL_MS, note, stopwatch } from './common';

const SIZES = [
  [25, 5],
  [250, 50],
  [2500, 500],
] as const;

const SOURCE = 'Mesos commit 2ec34ca59 (r/68508), LargeAndSmallQuota/2 (drf), master before the patch';
/** Published figures: drf sorter, 3000 agents. */
const REFERENCES: Record<string, { value: number; source: string }> = {
  add_agents_ms: { value: 78.0, source: SOURCE },
  add_frameworks_ms: { value: 16736, source: SOURCE },
  first_allocate_ms: { value: 15342, source: SOURCE },
  second_allocate_ms: { value: 13967, source: SOURCE },
  offers: { value: 3500, source: SOURCE },
};
const TARGETS: Record<string, number> = { first_allocate_ms: 150, add_frameworks_ms: 30 };

function quota(text: string): { guarantees: ResourceQuantities; limits: ResourceLimits } {
  const q = r(text).scalarQuantities();
  return { guarantees: q, limits: ResourceLimits.of([...q]) };
}

function run(sorter: SorterKind, small: number, large: number): BenchFigure[] {
  const name = 'allocator/LargeAndSmallQuota';
  const agents = small / 5 + large * 5;
  const { allocator, clock, take } = cluster(sorter);

  const total = r('cpus:2;mem:2048;disk:2048');
  const addAgentsMs = stopwatch(() => {
    for (let i = 0; i < agents; i++) allocator.addAgent(`agent-${i}`, agentInfo(`agent-${i}`), total);
    allocator.allocatePending(); // Mesos's settle runs the allocation the adds trigger (no frameworks yet)
  });

  const roles: Array<[string, string]> = [];
  for (let i = 0; i < small; i++) roles.push([`smallQuotaRole${i}`, 'cpus:1;mem:1024;disk:1024']);
  for (let i = 0; i < large; i++) roles.push([`largeQuotaRole${i}`, 'cpus:4;mem:4096;disk:4096']);

  allocator.pause();
  const addFrameworksMs = stopwatch(() => {
    roles.forEach(([role], i) => {
      const id = `${i < small ? `framework_small_${i}` : `framework_large_${i - small}`}-0`;
      allocator.addFramework(id, frameworkInfo([role], ['RESERVATION_REFINEMENT'], id));
    });
  });
  allocator.resume();

  allocator.pause();
  for (const [role, text] of roles) allocator.updateQuota(role, quota(text));
  allocator.resume();

  clock.advance(INTERVAL_MS);
  const firstMs = stopwatch(() => allocator.allocate());
  const offers = take().length;
  clock.advance(INTERVAL_MS);
  const secondMs = stopwatch(() => allocator.allocate());
  const secondOffers = take().length;
  note(name, `${agents} agents, ${roles.length} roles, ${roles.length} frameworks, ${sorter} sorter: first run made ${offers} offers, second ${secondOffers}`);

  const reference = sorter === 'drf' && agents === 3000 ? REFERENCES : {};
  const target = agents === 3000 ? TARGETS : {};
  const fig = (metric: string, value: number, unit: string): BenchFigure => ({
    metric,
    value,
    unit,
    ...(reference[metric] ? { reference: reference[metric] } : {}),
    ...(target[metric] !== undefined ? { target: target[metric] } : {}),
  });
  return [
    fig('add_agents_ms', addAgentsMs, 'ms'),
    fig('add_frameworks_ms', addFrameworksMs, 'ms'),
    fig('first_allocate_ms', firstMs, 'ms'),
    fig('offers', offers, 'offers'),
    fig('second_allocate_ms', secondMs, 'ms'),
  ];
}

export const largeAndSmallQuota: BenchScenario[] = (['drf', 'random'] as const).flatMap((sorter) =>
  SIZES.map(
    ([small, large]): BenchScenario => ({
      name: 'allocator/LargeAndSmallQuota',
      params: { agents: small / 5 + large * 5, frameworks: small + large, roles: small + large, sorter },
      run: () => run(sorter, small, large),
    }),
  ),
);
