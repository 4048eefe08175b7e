import { TokenBucket, percentiles } from './stats';

describe('percentiles', () => {
  it('uses nearest rank, so every percentile is a sample', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentiles(samples)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
    expect(percentiles([7])).toMatchObject({ p50: 7, p99: 7, max: 7 });
    expect(percentiles([1, 2, 3])).toMatchObject({ p50: 2, p90: 3 });
  });

  it('is NaN without samples', () => {
    expect(Number.isNaN(percentiles([]).p99)).toBe(true);
  });
});

describe('TokenBucket', () => {
  it('starts full, refills at its rate and never saves more than its burst', () => {
    const bucket = new TokenBucket(100, 10, 0);
    expect(bucket.take(25, 0)).toBe(10);
    expect(bucket.take(25, 0)).toBe(0);
    expect(bucket.take(25, 50)).toBe(5); // 50 ms at 100/s
    expect(bucket.take(25, 10_000)).toBe(10);
    expect(bucket.take(3, 10_000)).toBe(0);
  });

  it('rejects a rate or burst it cannot honour', () => {
    expect(() => new TokenBucket(0, 1, 0)).toThrow('invalid rate 0');
    expect(() => new TokenBucket(10, 0.5, 0)).toThrow('invalid burst 0.5');
  });
});
