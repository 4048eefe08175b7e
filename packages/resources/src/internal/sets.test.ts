import { containsSet, equalSets, formatSet, subtractSets, toSortedSet, unionSets } from './sets';

describe('sorted sets', () => {
  it('normalises, unites, subtracts and compares (ValuesTest.SetSubtraction)', () => {
    const set1 = toSortedSet(['sda3', 'sda1', 'sda2']);
    const set2 = toSortedSet(['sda2', 'sda3']);
    const set3 = toSortedSet(['sda4']);
    expect(subtractSets(set1, set2)).toEqual(['sda1']);
    expect(subtractSets(set3, subtractSets(set1, set2))).toEqual(['sda4']);
    expect(unionSets(set1, set3)).toEqual(['sda1', 'sda2', 'sda3', 'sda4']);
    expect(unionSets(set1, set2)).toEqual(set1);
    expect(containsSet(set1, set2)).toBe(true);
    expect(containsSet(set2, set1)).toBe(false);
    expect(containsSet(set1, set3)).toBe(false);
    expect(equalSets(toSortedSet(['b', 'a', 'a']), ['a', 'b'])).toBe(true);
    expect(formatSet(['a', 'b'])).toBe('{a, b}');
  });
});
