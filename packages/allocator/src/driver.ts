/**
 * The allocator's driver: runs allocation cycles every allocation interval
 * and, batched, soon after events that ask for one (a framework subscribing,
 * an agent registering, a revive). This is the runtime part, with timers; the
 * allocator itself stays pure. The master uses it; an embedder with its own
 * loop can call `allocate()` directly instead.
 */
import { performance } from 'node:perf_hooks';
import { HierarchicalAllocator } from './hierarchical';
import type { AllocationRunStats, AllocatorOptions, Clock } from './types';

export interface AllocatorDriverOptions extends Omit<AllocatorOptions, 'onAllocationRequested' | 'clock'> {
  /** Defaults to wall-clock milliseconds. */
  readonly clock?: Clock;
  /** Called after every run with its statistics and how long it took. */
  readonly onRun?: (stats: AllocationRunStats, durationMs: number) => void;
}

/** Summary of recent run durations, for the `allocator/mesos/allocation_run_ms` metrics. */
export interface RunTimings {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

const WINDOW = 1000;

export class AllocatorDriver {
  readonly allocator: HierarchicalAllocator;
  private readonly onRun: ((stats: AllocationRunStats, durationMs: number) => void) | undefined;
  private readonly intervalMs: number;
  private periodic: NodeJS.Timeout | undefined;
  private batched: NodeJS.Immediate | undefined;
  private running = false;
  private readonly durations: number[] = [];

  constructor(options: AllocatorDriverOptions) {
    const { onRun, clock, ...rest } = options;
    this.onRun = onRun;
    this.intervalMs = rest.allocationIntervalMs ?? 1000;
    this.allocator = new HierarchicalAllocator({
      ...rest,
      clock: clock ?? { now: () => Date.now() },
      onAllocationRequested: () => this.requestRun(),
    });
  }

  /** Starts periodic runs: the interval counts from the end of the previous run, as in Mesos. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedulePeriodic();
  }

  /** Stops all timers; the allocator keeps its state. */
  stop(): void {
    this.running = false;
    if (this.periodic) clearTimeout(this.periodic);
    if (this.batched) clearImmediate(this.batched);
    this.periodic = undefined;
    this.batched = undefined;
  }

  /** Schedules one batched run over the agents events asked for (many requests, one run). */
  requestRun(): void {
    if (!this.running || this.batched) return;
    this.batched = setImmediate(() => {
      this.batched = undefined;
      this.timed(() => this.allocator.allocatePending());
    });
  }

  /** Durations of recent runs in milliseconds. */
  timings(): RunTimings {
    const sorted = [...this.durations].sort((x, y) => x - y);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { count: sorted.length, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0, p50: at(0.5), p90: at(0.9), p99: at(0.99) };
  }

  private schedulePeriodic(): void {
    this.periodic = setTimeout(() => {
      this.timed(() => this.allocator.allocate());
      if (this.running) this.schedulePeriodic();
    }, this.intervalMs);
    this.periodic.unref?.();
  }

  private timed(run: () => AllocationRunStats): void {
    const start = performance.now();
    const stats = run();
    const ms = performance.now() - start;
    if (!stats.ran) return;
    this.durations.push(ms);
    if (this.durations.length > WINDOW) this.durations.shift();
    this.onRun?.(stats, ms);
  }
}
