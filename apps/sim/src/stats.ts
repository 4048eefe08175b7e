/**
 * Small statistics for the benchmark: percentiles of latency samples and a token bucket that paces launches.
 * Pure (the clock is passed in).
 */

/** Percentiles of a set of samples, in the samples' unit. All NaN when there are none. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * Nearest-rank percentiles (the smallest sample with at least q of all samples at or below it), so a p99 is
 * always a latency that really happened.
 */
export function percentiles(samples: readonly number[]): Percentiles {
  if (samples.length === 0) return { count: 0, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  let sum = 0;
  for (const s of sorted) sum += s;
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1]!, mean: sum / sorted.length };
}

/**
 * A token bucket: `rate` tokens per second, at most `burst` saved up. {@link take} hands out whole tokens.
 * Starts full, so a paced run does not wait for its first launch.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #last: number;

  /** `rate` > 0 tokens/s, `burst` >= 1, `nowMs` the current time in ms. */
  constructor(rate: number, burst: number, nowMs: number) {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`TokenBucket: invalid rate ${rate}: expected a positive number`);
    if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError(`TokenBucket: invalid burst ${burst}: expected at least 1`);
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = nowMs;
  }

  /** Takes up to `wanted` whole tokens at time `nowMs`; returns how many it got. */
  take(wanted: number, nowMs: number): number {
    this.#tokens = Math.min(this.#burst, this.#tokens + ((nowMs - this.#last) * this.#rate) / 1000);
    this.#last = nowMs;
    const got = Math.max(0, Math.min(wanted, Math.floor(this.#tokens)));
    this.#tokens -= got;
    return got;
  }
}
