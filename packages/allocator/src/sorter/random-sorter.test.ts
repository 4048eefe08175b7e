/**
 * The random sorter and the weighted shuffle, ported from Mesos 1.11's
 * src/tests/sorter_tests.cpp (`WeightedShuffleTest`, `RandomSorterTest`):
 * the position frequencies over many runs must lie within 0.05 of Mesos's
 * tables. The generator is seeded, so the runs are reproducible.
 */
import { r, seededRandom } from './internal/test-fixtures';
import { weightedShuffle } from './internal/weighted-shuffle';
import { RandomSorter } from './random-sorter';

/** Mesos's table for weights 1..5: row = item, column = position. */
const FLAT_TABLE = [
  [0.07, 0.08, 0.12, 0.2, 0.54],
  [0.13, 0.16, 0.2, 0.28, 0.23],
  [0.2, 0.22, 0.24, 0.22, 0.12],
  [0.27, 0.26, 0.23, 0.17, 0.07],
  [0.33, 0.28, 0.21, 0.13, 0.04],
];

function frequencies(runs: number, positions: number, draw: () => readonly number[]): number[][] {
  const counts = Array.from({ length: positions }, () => new Array<number>(positions).fill(0));
  for (let run = 0; run < runs; run++) {
    const order = draw();
    expect(order.length).toBe(positions);
    order.forEach((item, position) => counts[item]![position]!++);
  }
  return counts.map((row) => row.map((c) => c / runs));
}

function expectNear(actual: number[][], expected: number[][]): void {
  for (let i = 0; i < expected.length; i++) {
    for (let j = 0; j < expected[i]!.length; j++) {
      const diff = Math.abs(actual[i]![j]! - expected[i]![j]!);
      if (diff >= 0.05) throw new Error(`position [${i}][${j}]: ${actual[i]![j]} is not within 0.05 of ${expected[i]![j]}`);
    }
  }
}

describe('weightedShuffle', () => {
  it('follows the weighted distribution (WeightedShuffleTest.ProbabilityDistribution)', () => {
    const random = seededRandom(0);
    const actual = frequencies(1000, 5, () => weightedShuffle([0, 1, 2, 3, 4], [1, 2, 3, 4, 5], random));
    expectNear(actual, FLAT_TABLE);
  });

  it('keeps every item and rejects bad weights', () => {
    const random = seededRandom(1);
    expect(weightedShuffle(['a', 'b', 'c'], [1, 1, 1], random).sort()).toEqual(['a', 'b', 'c']);
    expect(weightedShuffle([], [], random)).toEqual([]);
    expect(() => weightedShuffle(['a'], [0], random)).toThrow(/not positive/);
    expect(() => weightedShuffle(['a'], [], random)).toThrow(/1 items but 0 weights/);
  });
});

describe('RandomSorter', () => {
  it('follows the weighted distribution over a flat tree (RandomSorterTest.ProbabilityDistribution)', () => {
    const sorter = new RandomSorter({ random: seededRandom(42) });
    [1, 2, 3, 4, 5].forEach((weight, i) => {
      sorter.add(String(i));
      sorter.activate(String(i));
      sorter.updateWeight(String(i), weight);
    });
    const actual = frequencies(1000, 5, () => sorter.sort().map(Number));
    expectNear(actual, FLAT_TABLE);
  });

  it('follows relative weights over a hierarchy (RandomSorterTest.HierarchicalProbabilityDistribution)', () => {
    // Tree (weights):      a(1) { .(1), b(2) }      c(2) { d(1), e(2) }
    const sorter = new RandomSorter({ random: seededRandom(2024) });
    const position = new Map([
      ['a', 0],
      ['a/b', 1],
      ['c/d', 2],
      ['c/e', 3],
    ]);
    for (const client of position.keys()) {
      sorter.add(client);
      sorter.activate(client);
    }
    for (const [path, weight] of [
      ['a', 1],
      ['a/b', 2],
      ['c', 2],
      ['c/d', 1],
      ['c/e', 2],
    ] as const) {
      sorter.updateWeight(path, weight);
    }

    const relative = sorter.relativeWeights();
    expect(relative.get('a')).toBeCloseTo(1 / 9);
    expect(relative.get('a/b')).toBeCloseTo(2 / 9);
    expect(relative.get('c/d')).toBeCloseTo(2 / 9);
    expect(relative.get('c/e')).toBeCloseTo(4 / 9);

    const actual = frequencies(10000, 4, () => sorter.sort().map((c) => position.get(c)!));
    expectNear(actual, [
      [0.11, 0.15, 0.23, 0.51],
      [0.22, 0.27, 0.3, 0.21],
      [0.22, 0.27, 0.3, 0.21],
      [0.44, 0.31, 0.18, 0.07],
    ]);
  });

  it('only shuffles active clients, and only internal nodes with an active leaf count', () => {
    const sorter = new RandomSorter({ random: seededRandom(3) });
    for (const c of ['a/x', 'a/y', 'b/z', 'c']) sorter.add(c);
    sorter.activate('a/x');
    sorter.activate('c');
    sorter.updateWeight('c', 3);
    // b has no active leaf, so it takes no weight away from a and c.
    expect([...sorter.relativeWeights()]).toEqual(
      expect.arrayContaining([
        ['a/x', 0.25],
        ['c', 0.75],
      ]),
    );
    expect(sorter.relativeWeights().size).toBe(2);
    for (let i = 0; i < 20; i++) expect([...sorter.sort()].sort()).toEqual(['a/x', 'c']);

    sorter.deactivate('c');
    expect(sorter.sort()).toEqual(['a/x']);
    expect(sorter.relativeWeights().get('a/x')).toBe(1);
  });

  it('returns a new order on every call, ignoring allocations', () => {
    const sorter = new RandomSorter({ random: seededRandom(5) });
    for (let i = 0; i < 10; i++) {
      sorter.add(`f${i}`);
      sorter.activate(`f${i}`);
    }
    const orders = new Set<string>();
    for (let i = 0; i < 20; i++) {
      orders.add(sorter.sort().join(','));
      sorter.allocated('f0', 's1', r('cpus:1'));
    }
    expect(orders.size).toBeGreaterThan(1);
  });
});

describe('RandomSorter.walk', () => {
  function sorterWithWeights(seed: number): RandomSorter {
    const sorter = new RandomSorter({ random: seededRandom(seed) });
    for (const [client, weight] of [['a', 1], ['b', 2], ['c', 3]] as const) {
      sorter.add(client);
      sorter.activate(client);
      sorter.updateWeight(client, weight);
    }
    return sorter;
  }

  it('draws each active client exactly once', () => {
    const sorter = sorterWithWeights(7);
    for (let i = 0; i < 200; i++) {
      const seen: string[] = [];
      const it = sorter.walk();
      for (let n = it.next(); !n.done; n = it.next()) seen.push(n.value);
      expect(seen.sort()).toEqual(['a', 'b', 'c']);
    }
  });

  it('puts clients first in proportion to their weights, as sort() does', () => {
    const sorter = sorterWithWeights(11);
    const firsts = new Map<string, number>();
    const seconds = new Map<string, number>();
    const runs = 30000;
    for (let i = 0; i < runs; i++) {
      const it = sorter.walk();
      const first = it.next().value as string;
      const second = it.next().value as string;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
      seconds.set(second, (seconds.get(second) ?? 0) + 1);
    }
    expect((firsts.get('a') ?? 0) / runs).toBeCloseTo(1 / 6, 1);
    expect((firsts.get('b') ?? 0) / runs).toBeCloseTo(2 / 6, 1);
    expect((firsts.get('c') ?? 0) / runs).toBeCloseTo(3 / 6, 1);
    // Second place, drawing among the rest: P(a second) = P(b)P(a|b) + P(c)P(a|c) = 2/6*1/4 + 3/6*1/3.
    expect((seconds.get('a') ?? 0) / runs).toBeCloseTo((2 / 6) * (1 / 4) + (3 / 6) * (1 / 3), 1);
  });

  it('finishes walks over many clients where most are already drawn', () => {
    const sorter = new RandomSorter({ random: seededRandom(3) });
    for (let i = 0; i < 500; i++) {
      sorter.add(`c${i}`);
      sorter.activate(`c${i}`);
    }
    const seen = new Set<string>();
    const it = sorter.walk();
    for (let n = it.next(); !n.done; n = it.next()) seen.add(n.value);
    expect(seen.size).toBe(500);
  });
});
