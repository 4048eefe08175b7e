/**
 * The benchmark harness behind `npm run bench`. A package contributes
 * scenarios in `bench/*.bench.ts` (each file exports `scenarios`); the runner
 * (tools/bench/run.ts) discovers them, runs those selected by $BENCH_FILTER,
 * prints one table with our figure beside the reference, and appends JSON
 * lines to the file named by $BENCH_JSON.
 *
 * Timing lives here and only here: tests never assert on speed.
 */
import { performance } from 'node:perf_hooks';
import process from 'node:process';

/** One measured number. */
export interface BenchFigure {
  /** What was measured, e.g. `allocate_ms_median`, `ns_per_op`. */
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** The same figure for Apache Mesos, where one is published; with where it comes from. */
  readonly reference?: { readonly value: number; readonly source: string };
  /** Our target, where one is set (an upper bound in the same unit). */
  readonly target?: number;
}

/** A named scenario with its parameters (agents, frameworks, ...). */
export interface BenchScenario {
  /** Unique and stable: `package/Scenario`, e.g. `resources/Arithmetic`. */
  readonly name: string;
  readonly params: Readonly<Record<string, number | string>>;
  /** Included only with `--all` (for the slow, large parameter sets). */
  readonly slow?: boolean;
  run(): Promise<readonly BenchFigure[]> | readonly BenchFigure[];
}

export interface TimingOptions {
  /** Untimed runs before measuring (JIT warm-up). Default 3. */
  readonly warmup?: number;
  /** Timed samples. Default 15. */
  readonly samples?: number;
  /** Calls of `fn` per sample (to time very fast operations). Default 1. */
  readonly opsPerSample?: number;
}

export interface Timing {
  /** Median time per op, in nanoseconds. */
  readonly medianNs: number;
  readonly minNs: number;
  readonly maxNs: number;
  readonly samples: number;
}

/** Times `fn` and returns per-op statistics in nanoseconds. */
export function time(fn: () => unknown, options: TimingOptions = {}): Timing {
  const warmup = options.warmup ?? 3;
  const samples = options.samples ?? 15;
  const ops = options.opsPerSample ?? 1;
  let sink: unknown;
  for (let i = 0; i < warmup; i++) for (let j = 0; j < ops; j++) sink = fn();
  const perOp: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    for (let j = 0; j < ops; j++) sink = fn();
    perOp.push(((performance.now() - start) * 1e6) / ops);
  }
  blackhole(sink);
  perOp.sort((a, b) => a - b);
  return {
    medianNs: perOp[Math.floor(perOp.length / 2)] ?? Number.NaN,
    minNs: perOp[0] ?? Number.NaN,
    maxNs: perOp[perOp.length - 1] ?? Number.NaN,
    samples,
  };
}

/**
 * Forces a full garbage collection when the process runs with `--expose-gc`
 * (`npm run bench` does); returns whether it could.
 */
export function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return false;
  gc();
  return true;
}

/**
 * `process.memoryUsage().heapUsed` in MiB, measured after a forced full GC
 * when one is possible (`gc: true`), else as it is (live and dead objects).
 */
export function heapUsedMiB(): { readonly mib: number; readonly gc: boolean } {
  const gc = collectGarbage();
  return { mib: process.memoryUsage().heapUsed / 2 ** 20, gc };
}

let blackholeValue: unknown;
/** Keeps a value alive so the optimiser cannot drop the work that made it. */
export function blackhole(value: unknown): void {
  blackholeValue = value;
}
export function lastBlackhole(): unknown {
  return blackholeValue;
}
