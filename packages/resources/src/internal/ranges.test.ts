import { addRanges, coalesce, containsRanges, countRanges, formatRanges, subtractRanges } from './ranges';

// Ports of Mesos's ValuesTest range cases, on the flat representation.
const p = (...pairs: [number, number][]): number[] => pairs.flat();

describe('coalesce', () => {
  it('merges overlapping and touching ranges (RangesCoalesce)', () => {
    expect(coalesce(p([1, 4], [3, 5], [7, 8], [8, 10]))).toEqual(p([1, 5], [7, 10]));
  });

  it.each([
    [p([4, 6], [6, 8], [5, 9], [3, 4], [2, 5], [4, 6], [1, 1], [10, 10], [4, 6]), p([1, 10])],
    [p([4, 6], [6, 8]), p([4, 8])],
    [p([6, 8], [4, 6]), p([4, 8])],
    [p([1, 10], [8, 10]), p([1, 10])],
    [p([1, 11], [8, 10]), p([1, 11])],
    [p([1, 4], [4, 5], [7, 8], [8, 10]), p([1, 5], [7, 10])],
    [p([4, 6], [7, 8]), p([4, 8])],
    [p([4, 6], [7, 7]), p([4, 7])],
    [p([4, 6], [7, 7], [8, 8], [9, 9]), p([4, 9])],
    [p([4, 6], [7, 7], [9, 10], [9, 11]), p([4, 7], [9, 11])],
    [p([6, 8], [6, 8], [4, 6], [6, 8]), p([4, 8])],
  ])('coalesces %j into %j (RangesCoalesceParse)', (input, expected) => {
    expect(coalesce(input)).toEqual(expected);
  });

  it('leaves canonical input alone and handles the empty list', () => {
    expect(coalesce([])).toEqual([]);
    expect(coalesce(p([1, 2], [4, 5]))).toEqual(p([1, 2], [4, 5]));
  });

  it('keeps bounds up to 2^53 - 1 exact', () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(coalesce(p([max - 1, max], [0, max - 2]))).toEqual(p([0, max]));
  });
});

describe('addRanges (ValuesTest.RangesAddition)', () => {
  it.each([
    [p([3, 8]), p([4, 10]), p([3, 10])],
    [p([3, 8]), p([1, 4]), p([1, 8])],
    [p([2, 3]), p([1, 4]), p([1, 4])],
    [p([2, 3]), p([4, 6]), p([2, 6])],
    [p([3, 5]), p([1, 2]), p([1, 5])],
    [p([3, 5], [7, 8]), p([6, 6]), p([3, 8])],
    [p([1, 4], [9, 10], [20, 22], [26, 30]), p([5, 8], [23, 25]), p([1, 10], [20, 30])],
    [coalesce(p([1, 10], [5, 30], [50, 60])), p([1, 65], [70, 80]), p([1, 65], [70, 80])],
    [p([20000, 40000]), coalesce(p([30000, 50000], [10000, 20000])), p([10000, 50000])],
  ])('%j + %j = %j', (a, b, expected) => {
    expect(addRanges(a, b)).toEqual(expected);
    expect(addRanges(b, a)).toEqual(expected);
  });
});

describe('subtractRanges (ValuesTest.RangesSubtraction)', () => {
  it.each([
    [[], p([1, 10]), []],
    [p([3, 8]), [], p([3, 8])],
    [p([3, 8]), p([1, 10]), []],
    [p([3, 8]), p([3, 5]), p([6, 8])],
    [p([3, 8]), p([5, 8]), p([3, 4])],
    [p([3, 8]), p([5, 6]), p([3, 4], [7, 8])],
    [p([3, 8]), p([1, 3]), p([4, 8])],
    [p([3, 8]), p([5, 10]), p([3, 4])],
    [p([3, 8]), p([9, 10]), p([3, 8])],
    [p([3, 8]), p([1, 2]), p([3, 8])],
    [p([20000, 40000]), p([10000, 20000], [30000, 50000]), p([20001, 29999])],
    [p([50000, 60000]), p([50000, 50001]), p([50002, 60000])],
    [p([1, 10], [20, 30], [40, 50]), p([2, 9], [15, 45], [48, 50]), p([1, 1], [10, 10], [46, 47])],
    [p([1, 10]), p([11, 20]), p([1, 10])],
  ])('%j - %j = %j', (a, b, expected) => {
    expect(subtractRanges(a, b)).toEqual(expected);
  });
});

describe('containsRanges (ResourcesTest.RangesSubset)', () => {
  const ports1 = p([2, 2], [4, 5]);
  const ports2 = p([1, 10]);
  const ports3 = p([2, 3]);
  const ports4 = p([1, 2], [4, 6]);
  const ports5 = coalesce(p([1, 4], [5, 5]));
  it('matches Mesos', () => {
    expect(ports5).toEqual(p([1, 5]));
    expect(containsRanges(ports2, ports1)).toBe(true);
    expect(containsRanges(ports1, ports2)).toBe(false);
    expect(containsRanges(ports3, ports1)).toBe(false);
    expect(containsRanges(ports1, ports3)).toBe(false);
    expect(containsRanges(ports2, ports3)).toBe(true);
    expect(containsRanges(ports3, ports2)).toBe(false);
    expect(containsRanges(ports4, ports1)).toBe(true);
    expect(containsRanges(ports2, ports4)).toBe(true);
    expect(containsRanges(ports5, ports1)).toBe(true);
    expect(containsRanges(ports1, ports5)).toBe(false);
    expect(containsRanges([], [])).toBe(true);
    expect(containsRanges([], ports1)).toBe(false);
  });
});

describe('countRanges and formatRanges', () => {
  it('counts values and prints Mesos style', () => {
    expect(countRanges(p([1, 3], [5, 5]))).toBe(4);
    expect(formatRanges(p([10000, 20000], [30000, 50000]))).toBe('[10000-20000, 30000-50000]');
    expect(formatRanges([])).toBe('[]');
  });
});
