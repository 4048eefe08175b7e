/**
 * `allocator/SuppressOffers` and `allocator/ExtremeSuppressOffers`: Mesos's
 * `HierarchicalAllocator_BENCHMARK_Test.SuppressOffers` and
 * `.ExtremeSuppressOffers` (hierarchical_allocator_tests.cpp).
 *
 * Frameworks in role `*`; agents `cpus:24;mem:4096;disk:4096;ports:[31000-32000]`,
 * each running `cpus:16;mem:1024;disk:1024` plus 16 fragmented port ranges for
 * one framework (round robin). Five rounds; each recovers the previous
 * round's offers with no filter and times one allocation run.
 *  - SuppressOffers suppresses F/5 more frameworks (integer division) before
 *    each round: 20%, 40%, ... 100% suppressed.
 *  - ExtremeSuppressOffers suppresses floor(0.99 F) of them once, up front.
 * Mesos publishes no figures for these and we set no target; the figures are
 * the median and the largest of the five runs.
 */
import type { BenchFigure, BenchScenario } from '../../../../tools/bench/harness';
import { cluster, INTERVAL_MS, max, median, note, populateStarCluster, shape, stopwatch } from './common';
import { AGENT_COUNTS, FRAMEWORK_COUNTS } from './decline-offers';

const ROUNDS = 5;

function run(name: string, agents: number, frameworks: number, extreme: boolean): BenchFigure[] {
  const { allocator, clock, take } = cluster();
  const { frameworkIds, addFrameworksMs, addAgentsMs } = populateStarCluster(allocator, agents, frameworks, 'cpus:16;mem:1024;disk:1024');
  allocator.allocatePending(); // the run Mesos's addSlave triggers; round 0 recovers its offers

  let suppressed = 0;
  if (extreme) {
    for (; suppressed < Math.floor(frameworks * 0.99); suppressed++) allocator.suppressOffers(frameworkIds[suppressed]!);
  }
  const allocateMs: number[] = [];
  const log: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const o of take()) allocator.recoverResources(o.frameworkId, o.agentId, o.resources);
    if (!extreme) {
      for (let j = 0; j < Math.floor(frameworks / ROUNDS); j++) allocator.suppressOffers(frameworkIds[suppressed++]!);
    }
    clock.advance(INTERVAL_MS);
    let offers = 0;
    allocateMs.push(
      stopwatch(() => {
        offers = allocator.allocate().offers;
      }),
    );
    log.push(`${allocateMs[round]!.toFixed(1)} ms/${offers} offers/${suppressed} suppressed`);
  }
  note(name, `${shape(agents, frameworks)}: rounds ${log.join(', ')}`);
  return [
    { metric: 'add_frameworks_ms', value: addFrameworksMs, unit: 'ms' },
    { metric: 'add_agents_ms', value: addAgentsMs, unit: 'ms' },
    { metric: 'allocate_ms_median', value: median(allocateMs), unit: 'ms' },
    { metric: 'allocate_ms_max', value: max(allocateMs), unit: 'ms' },
  ];
}

function scenariosOf(name: string, extreme: boolean): BenchScenario[] {
  return AGENT_COUNTS.flatMap((agents) =>
    FRAMEWORK_COUNTS.map(
      (frameworks): BenchScenario => ({
        name,
        params: { agents, frameworks },
        slow: !(agents === 10000 && frameworks === 1000),
        run: () => run(name, agents, frameworks, extreme),
      }),
    ),
  );
}

export const suppressOffers = scenariosOf('allocator/SuppressOffers', false);
export const extremeSuppressOffers = scenariosOf('allocator/ExtremeSuppressOffers', true);
