/**
 * `allocator/DeclineOffers`: Mesos's `HierarchicalAllocator_BENCHMARK_Test.
 * DeclineOffers` (hierarchical_allocator_tests.cpp). Frameworks in role `*`;
 * agents `cpus:24;mem:4096;disk:4096;ports:[31000-32000]`, each already
 * running `cpus:16;mem:2014;disk:1024` plus 16 fragmented port ranges for one
 * framework (round robin). Each round declines every offer of the previous
 * round for good (refuse_seconds = INT_MAX, capped to 365 days) and times one
 * allocation run.
 *
 * Mesos runs 2 x frameworks rounds. Every round offers each agent to one more
 * framework (which then declines it), so the first `frameworks` rounds each
 * make one offer per agent with a growing number of filters to skip, and the
 * rest find everything filtered. At 10k agents x 1k frameworks that is 2000
 * runs and 10 million offer/decline pairs; with 6k frameworks it would take
 * hours. So we run all 2F rounds only when agents x 2F <= FULL_ROUNDS_BUDGET,
 * and otherwise the first N rounds, N = 400k / agents within [10, 40] (40 at
 * 10k agents, 10 at 50k): rounds 0..N-1 of Mesos's sequence, each one run
 * and timed in full. Mesos's published figures are of the same early rounds
 * (rounds 0-2 for 10k x 1k, 0-9 for 10k x 3k), so they compare like for like;
 * the later, all-filtered rounds are not reached for large F.
 * `ALLOCATOR_DECLINE_ROUNDS=<n>|full` overrides.
 *
 * Heap: `heap_mb_setup` is measured (after a forced GC, under --expose-gc)
 * once the agents and frameworks are in and the first run's offers are out;
 * `heap_mb` after the timed rounds, with one decline filter per agent and
 * round still alive (filters are most of the growth).
 */
import { heapUsedMiB, type BenchFigure, type BenchScenario } from '../../../../tools/bench/harness';
import { cluster, INTERVAL_MS, max, median, note, populateStarCluster, shape, stopwatch } from './common';

export const AGENT_COUNTS = [1000, 5000, 10000, 20000, 30000, 50000] as const;
export const FRAMEWORK_COUNTS = [1, 50, 100, 200, 500, 1000, 3000, 6000] as const;

/** Parameter sets run without `--all`. */
const DEFAULT_SET = new Set(['10000x1000', '10000x3000', '1000x50']);

const FULL_ROUNDS_BUDGET = 2_000_000;
/** Rounds run when capped: 40 at 10k agents, fewer for more agents (10 at 50k), so a run stays within minutes. */
function cappedRounds(agents: number): number {
  return Math.max(10, Math.min(40, Math.floor(400_000 / agents)));
}
const REFUSE_FOREVER = 2 ** 31 - 1;

const SOURCES = {
  r68808: 'Mesos commit 6ef0df93f (r/68808), DeclineOffers/21, --enable-optimize',
  r70370: 'Mesos commit 6abe32f08 (r/70370), DeclineOffers/22, median of 3 runs',
};

/** Published Mesos figures, by `agents x frameworks` and metric. */
const REFERENCES: Record<string, Record<string, { value: number; source: string }>> = {
  '10000x1000': {
    add_frameworks_ms: { value: 40.38, source: SOURCES.r68808 },
    add_agents_ms: { value: 1610, source: `${SOURCES.r68808}; includes the allocation runs the adds trigger` },
    add_agents_with_run_ms: { value: 1610, source: SOURCES.r68808 },
    allocate_ms_median: { value: 1060, source: `${SOURCES.r68808}, rounds 0-2` },
  },
  '10000x3000': {
    add_frameworks_ms: { value: 170, source: SOURCES.r70370 },
    add_agents_ms: { value: 3260, source: `${SOURCES.r70370}; includes the allocation runs the adds trigger` },
    add_agents_with_run_ms: { value: 3260, source: SOURCES.r70370 },
    allocate_ms_median: { value: 2470, source: `${SOURCES.r70370}, rounds 0-9` },
  },
};

/** Our targets (upper bounds), by `agents x frameworks` and metric. */
const TARGETS: Record<string, Record<string, number>> = {
  '10000x1000': { allocate_ms_median: 50, add_agents_ms: 100 },
  '10000x3000': { allocate_ms_median: 60, add_agents_ms: 100 },
  '50000x6000': { allocate_ms_median: 300 },
};

function roundsToRun(agents: number, frameworks: number): { rounds: number; why: string } {
  const full = 2 * frameworks;
  const env = process.env['ALLOCATOR_DECLINE_ROUNDS'];
  if (env === 'full') return { rounds: full, why: 'all 2F rounds (ALLOCATOR_DECLINE_ROUNDS=full)' };
  if (env !== undefined && /^\d+$/.test(env)) {
    const n = Math.min(full, Number(env));
    return { rounds: n, why: `rounds 0-${n - 1} of Mesos's 2F = ${full} (ALLOCATOR_DECLINE_ROUNDS=${env})` };
  }
  if (agents * full <= FULL_ROUNDS_BUDGET) return { rounds: full, why: `all 2F = ${full} rounds, as Mesos` };
  const n = Math.min(full, cappedRounds(agents));
  return { rounds: n, why: `rounds 0-${n - 1} of Mesos's 2F = ${full} (capped: agents x 2F > ${FULL_ROUNDS_BUDGET / 1e6}M offer slots; ALLOCATOR_DECLINE_ROUNDS=full runs them all)` };
}

function run(agents: number, frameworks: number): BenchFigure[] {
  const name = 'allocator/DeclineOffers';
  const key = `${agents}x${frameworks}`;
  const { allocator, clock, take } = cluster();

  const { frameworkIds, addFrameworksMs, addAgentsMs } = populateStarCluster(allocator, agents, frameworks, 'cpus:16;mem:2014;disk:1024');
  // Mesos's addSlave dispatches a batched run, which its "Added agents" time includes.
  let firstOffers = 0;
  const firstAllocateMs = stopwatch(() => {
    firstOffers = allocator.allocatePending().offers;
  });

  const setupHeap = heapUsedMiB();

  const { rounds, why } = roundsToRun(agents, frameworks);
  const allocateMs: number[] = [];
  const declineMs: number[] = [];
  const offersPerRound: number[] = [];
  let declined = 0;
  for (let round = 0; round < rounds; round++) {
    const offers = take();
    declineMs.push(
      stopwatch(() => {
        for (const o of offers) allocator.recoverResources(o.frameworkId, o.agentId, o.resources, { refuseSeconds: REFUSE_FOREVER });
      }),
    );
    declined += offers.length;
    clock.advance(INTERVAL_MS);
    let made = 0;
    allocateMs.push(
      stopwatch(() => {
        made = allocator.allocate().offers;
      }),
    );
    offersPerRound.push(made);
  }
  const heap = heapUsedMiB();

  if (!heap.gc) note(name, 'heap_mb measured without a forced GC (run node with --expose-gc, as `npm run bench` does)');
  const fewest = Math.min(...offersPerRound);
  const most = Math.max(...offersPerRound);
  note(
    name,
    `${shape(agents, frameworks)}: timed ${why}; ${firstOffers} offers in the run the adds triggered, then ${fewest === most ? most : `${most}..${fewest}`} offers per round, ${declined} declined in all; ` +
      `allocate() ms per round: first ${allocateMs[0]?.toFixed(1)}, last ${allocateMs[allocateMs.length - 1]?.toFixed(1)}`,
  );

  const ref = REFERENCES[key] ?? {};
  const tgt = TARGETS[key] ?? {};
  const fig = (metric: string, value: number, unit: string): BenchFigure => ({
    metric,
    value,
    unit,
    ...(ref[metric] ? { reference: ref[metric] } : {}),
    ...(tgt[metric] !== undefined ? { target: tgt[metric] } : {}),
  });
  return [
    fig('add_frameworks_ms', addFrameworksMs, 'ms'),
    fig('add_agents_ms', addAgentsMs, 'ms'),
    fig('add_agents_with_run_ms', addAgentsMs + firstAllocateMs, 'ms'),
    fig('allocate_ms_median', median(allocateMs), 'ms'),
    fig('allocate_ms_max', max(allocateMs), 'ms'),
    fig('decline_ms_median', median(declineMs), 'ms'),
    fig('rounds_timed', rounds, 'rounds'),
    fig('heap_mb_setup', setupHeap.mib, 'MiB'),
    fig('heap_mb', heap.mib, 'MiB'),
  ];
}

export const declineOffers: BenchScenario[] = AGENT_COUNTS.flatMap((agents) =>
  FRAMEWORK_COUNTS.map(
    (frameworks): BenchScenario => ({
      name: 'allocator/DeclineOffers',
      params: { agents, frameworks },
      slow: !DEFAULT_SET.has(`${agents}x${frameworks}`),
      run: () => run(agents, frameworks),
    }),
  ),
);
