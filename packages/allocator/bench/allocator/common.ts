/**
 * Shared pieces of the allocator benchmarks: Mesos's benchmark resources, an
 * allocator wired to an offer queue, a stopwatch and small statistics.
 *
 * Every benchmark drives the allocator the way Mesos's benchmarks drive
 * theirs with a paused clock: `clock.advance(interval)` and one `allocate()`
 * stand for `Clock::advance(interval); Clock::settle()`, and the time of that
 * run is what Mesos prints as "allocate() took ...".
 */
import { performance } from 'node:perf_hooks';
import { HierarchicalAllocator, type OfferMap, type SorterKind } from '@mesos-ts/allocator';
import { FakeClock, agentInfo, frameworkInfo, r, seededRandom } from '@mesos-ts/allocator/testing';
import type { Resources } from '@mesos-ts/resources';

/** Mesos's default allocation interval (and ours). */
export const INTERVAL_MS = 1000;

/** One (framework, role, agent) chunk of an offer callback, as Mesos's benchmarks queue them. */
export interface Offered {
  readonly frameworkId: string;
  readonly role: string;
  readonly agentId: string;
  readonly resources: Resources;
}

export interface Cluster {
  readonly allocator: HierarchicalAllocator;
  readonly clock: FakeClock;
  /** Offers made since the last `take()`. */
  readonly offers: Offered[];
  /** Returns and forgets the queued offers. */
  take(): Offered[];
}

/** An allocator with a fake clock, a seeded PRNG and an offer queue. */
export function cluster(sorter: SorterKind = 'drf', seed = 1): Cluster {
  const clock = new FakeClock();
  let offers: Offered[] = [];
  const offerCallback = (frameworkId: string, map: OfferMap): void => {
    for (const [role, byAgent] of map) for (const [agentId, resources] of byAgent) offers.push({ frameworkId, role, agentId, resources });
  };
  const allocator = new HierarchicalAllocator({ clock, offerCallback, random: seededRandom(seed), roleSorter: sorter, frameworkSorter: sorter });
  return {
    allocator,
    clock,
    get offers() {
      return offers;
    },
    take() {
      const out = offers;
      offers = [];
      return out;
    },
  };
}

/**
 * Mesos's `fragment(createRange(31000, 32000), n)` as range text: n-1 single
 * ports 31000, 31002, ... and then the rest of the range.
 */
export function fragmentedPorts(count: number, begin = 31000, end = 32000): string {
  const ranges: string[] = [];
  for (let i = 0; i < count - 1; i++) ranges.push(`${begin + 2 * i}-${begin + 2 * i}`);
  ranges.push(`${begin + 2 * (count - 1)}-${end}`);
  return `[${ranges.join(',')}]`;
}

/** Milliseconds taken by `fn`. */
export function stopwatch(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function max(values: readonly number[]): number {
  return values.reduce((m, v) => (v > m ? v : m), Number.NEGATIVE_INFINITY);
}

/** A note under the results table (what was run, how it differs from Mesos's run). */
export function note(scenario: string, text: string): void {
  console.log(`  # ${scenario}: ${text}`);
}

/** `n` pseudo-random lowercase letters (Mesos's benchmarks use `rand()` for role names and labels). */
export function randomLetters(random: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(random() * 26));
  return s;
}

/** A label for a parameter set in notes: `10000x1000`. */
export function shape(agents: number, frameworks: number): string {
  return `${agents} agents x ${frameworks} frameworks`;
}

/**
 * The cluster of Mesos's DeclineOffers/SuppressOffers benchmarks: F frameworks
 * in role `*`, then A agents `cpus:24;mem:4096;disk:4096;ports:[31000-32000]`
 * each already running `usedText` for framework i % F. Returns the framework
 * IDs and how long the two adds took.
 */
export function populateStarCluster(allocator: HierarchicalAllocator, agents: number, frameworks: number, usedText: string): { frameworkIds: string[]; addFrameworksMs: number; addAgentsMs: number } {
  const frameworkIds: string[] = [];
  const addFrameworksMs = stopwatch(() => {
    for (let i = 0; i < frameworks; i++) {
      const id = `framework-${i}`;
      frameworkIds.push(id);
      allocator.addFramework(id, frameworkInfo(['*'], [], id));
    }
  });
  const total = r('cpus:24;mem:4096;disk:4096;ports:[31000-32000]');
  const used = r(`${usedText};ports:${fragmentedPorts(16)}`).allocate('*');
  const addAgentsMs = stopwatch(() => {
    for (let i = 0; i < agents; i++) allocator.addAgent(`agent-${i}`, agentInfo(`host-${i}`), total, new Map([[frameworkIds[i % frameworks] as string, used]]));
  });
  return { frameworkIds, addFrameworksMs, addAgentsMs };
}
