/**
 * Mirrors of Apache Mesos's sorter benchmarks (src/tests/sorter_tests.cpp:
 * `CommonSorterTest/<DRFSorter|RandomSorter>.BENCHMARK_FullSort` and
 * `BENCHMARK_HierarchyFullSort`), with the same inputs and steps:
 *
 *   add C clients; add A agents (`cpus:24;mem:4096;disk:4096`); allocate
 *   `cpus:16;mem:2014;disk:1024` plus ports in 100 fragmented ranges on every
 *   agent, round robin over the clients; sort (Mesos: a full sort, since the
 *   tree is dirty); sort again (no-op); unallocate everything; remove the
 *   agents; remove the clients.
 *
 * As written in Mesos 1.11, the clients are added but never activated, so
 * `sort()` returns nothing and the DRF sorter has no order to maintain; the
 * `FullSort` and `HierarchyFullSort` scenarios keep that quirk so that the
 * figures compare like for like. `FullSortActive` activates every client
 * right after adding it and sorts once after adding the agents, which is what
 * the allocator does: every allocation then moves a client among its
 * siblings, and the later "full sort" only lists the maintained order.
 *
 * Each figure is the median over several runs of the whole sequence (after
 * one untimed run to warm up the JIT), each step timed once per run.
 */
import { Resources, ResourceQuantities } from '@mesos-ts/resources';
import { DRFSorter, RandomSorter, type Sorter } from '@mesos-ts/allocator';
import { blackhole, collectGarbage, time, type BenchFigure, type BenchScenario } from '../../../tools/bench/harness';

const AGENT_COUNTS = [1000, 5000, 10000, 20000, 30000, 50000];
const CLIENT_COUNTS = [1, 50, 100, 200, 500, 1000];
/** (height, branching factor) of the client trees: about 1000 clients each. */
const TREE_SHAPES: readonly (readonly [number, number])[] = [
  [3, 32], // short and wide: 1056 clients
  [7, 3], // medium: 1092 clients
  [10, 2], // tall and thin: 1022 clients
];
const SORTERS = ['drf', 'random'] as const;
type SorterName = (typeof SORTERS)[number];

const REFERENCE_SOURCE = 'Mesos 1.11 sorter benchmark as quoted in the issue';

function makeSorter(name: SorterName): Sorter {
  return name === 'drf' ? new DRFSorter() : new RandomSorter();
}

const agentTotal = (() => {
  const parsed = ResourceQuantities.fromString('cpus:24;mem:4096;disk:4096');
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
})();

/** `cpus:16;mem:2014;disk:1024` plus ports 31000-32000 cut into 100 ranges, as Mesos's `fragment(createRange(31000, 32000), 100)`. */
const allocation = (() => {
  const ranges: string[] = [];
  for (let port = 31000; port < 31198; port += 2) ranges.push(`${port}-${port}`);
  ranges.push('31198-32000');
  return Resources.mustParse(`cpus:16;mem:2014;disk:1024;ports:[${ranges.join(',')}]`);
})();

/** Client paths of a full tree in post-order (children first), as Mesos's `buildTree`; the deepest level is not materialised. */
function treeClients(height: number, branching: number): string[] {
  const out: string[] = [];
  const build = (path: string, depth: number): void => {
    if (depth === 0) return;
    for (let i = 0; i < branching; i++) build(`${path}${i}/`, depth - 1);
    const client = path.endsWith('/') ? path.slice(0, -1) : path;
    if (client !== '') out.push(client);
  };
  build('', height);
  return out;
}

const STEPS = [
  'add_clients',
  'activate_clients',
  'add_agents',
  'sort_after_agents',
  'add_allocations',
  'full_sort',
  'noop_sort',
  'remove_allocations',
  'remove_agents',
  'remove_clients',
] as const;
type Step = (typeof STEPS)[number];

/** Milliseconds of one run of `fn` (timed by the harness). */
function once(fn: () => unknown): number {
  return time(fn, { warmup: 0, samples: 1 }).medianNs / 1e6;
}

/** One run of Mesos's sequence; returns the milliseconds of each step. */
function runOnce(sorterName: SorterName, clients: readonly string[], agentCount: number, activate: boolean): Map<Step, number> {
  collectGarbage(); // no-op unless run with --expose-gc (npm run bench is)
  const sorter = makeSorter(sorterName);
  const agents: string[] = [];
  for (let i = 0; i < agentCount; i++) agents.push(`agent${i}`);
  const ms = new Map<Step, number>();

  ms.set('add_clients', once(() => {
    for (const c of clients) sorter.add(c);
  }));
  if (activate) {
    ms.set('activate_clients', once(() => {
      for (const c of clients) sorter.activate(c);
    }));
  }
  ms.set('add_agents', once(() => {
    for (const a of agents) sorter.addAgent(a, agentTotal);
  }));
  // The allocator sorts before every offer; with a sort here, the DRF sorter
  // maintains the order during the allocations instead of re-sorting after.
  if (activate) ms.set('sort_after_agents', once(() => blackhole(sorter.sort())));
  ms.set('add_allocations', once(() => {
    let i = 0;
    for (const a of agents) sorter.allocated(clients[i++ % clients.length]!, a, allocation);
  }));
  ms.set('full_sort', once(() => blackhole(sorter.sort())));
  ms.set('noop_sort', once(() => blackhole(sorter.sort())));
  ms.set('remove_allocations', once(() => {
    let i = 0;
    for (const a of agents) sorter.unallocated(clients[i++ % clients.length]!, a, allocation);
  }));
  ms.set('remove_agents', once(() => {
    for (const a of agents) sorter.removeAgent(a);
  }));
  ms.set('remove_clients', once(() => {
    for (const c of clients) sorter.remove(c);
  }));
  if (sorter.count() !== 0 || !sorter.allocationScalarQuantities().isEmpty()) throw new Error('sorter not empty after the benchmark');
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

interface Figures {
  readonly reference?: Partial<Record<Step, number>>;
  readonly target?: Partial<Record<Step, number>>;
}

function measure(sorterName: SorterName, clients: readonly string[], agentCount: number, activate: boolean, figures: Figures): BenchFigure[] {
  // Fewer runs for the big ones; two untimed runs first, for the JIT.
  const runs = agentCount >= 20000 ? 3 : 5;
  for (let w = 0; w < 2; w++) runOnce(sorterName, clients, Math.min(agentCount, 10000), activate);
  const samples = new Map<Step, number[]>();
  for (let r = 0; r < runs; r++) {
    for (const [step, ms] of runOnce(sorterName, clients, agentCount, activate)) {
      let list = samples.get(step);
      if (list === undefined) samples.set(step, (list = []));
      list.push(ms);
    }
  }
  const out: BenchFigure[] = [];
  for (const step of STEPS) {
    const list = samples.get(step);
    if (list === undefined) continue;
    const reference = figures.reference?.[step];
    const target = figures.target?.[step];
    out.push({
      metric: `${step}_ms`,
      value: median(list),
      unit: 'ms',
      ...(reference !== undefined ? { reference: { value: reference, source: REFERENCE_SOURCE } } : {}),
      ...(target !== undefined ? { target } : {}),
    });
  }
  return out;
}

function flatClients(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(i));
}

const fullSort: BenchScenario[] = [];
const fullSortActive: BenchScenario[] = [];
for (const sorter of SORTERS) {
  for (const agents of AGENT_COUNTS) {
    for (const clients of CLIENT_COUNTS) {
      const big = agents === 50000 && clients === 1000;
      const byDefault = sorter === 'drf' && clients === 1000 && (agents === 10000 || agents === 50000);
      fullSort.push({
        name: 'allocator/Sorter/FullSort',
        params: { sorter, agents, clients },
        slow: !(byDefault || (sorter === 'random' && big)),
        run: () =>
          measure(sorter, flatClients(clients), agents, false, {
            ...(big && sorter === 'drf' ? { reference: { add_allocations: 183, remove_allocations: 12200 } } : {}),
            ...(big ? { target: { remove_allocations: 30 } } : {}),
          }),
      });
      fullSortActive.push({
        name: 'allocator/Sorter/FullSortActive',
        params: { sorter, agents, clients },
        slow: !byDefault,
        run: () => measure(sorter, flatClients(clients), agents, true, {}),
      });
    }
  }
}

const hierarchyFullSort: BenchScenario[] = [];
for (const sorter of SORTERS) {
  for (const agents of AGENT_COUNTS) {
    for (const [height, branching] of TREE_SHAPES) {
      const clients = treeClients(height, branching);
      hierarchyFullSort.push({
        name: 'allocator/Sorter/HierarchyFullSort',
        params: { sorter, agents, height, branching, clients: clients.length },
        slow: !(sorter === 'drf' && agents === 50000 && height === 3),
        run: () => measure(sorter, clients, agents, false, {}),
      });
    }
  }
}

export const scenarios: BenchScenario[] = [...fullSort, ...fullSortActive, ...hierarchyFullSort];
