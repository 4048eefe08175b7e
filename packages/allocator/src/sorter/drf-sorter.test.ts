/**
 * DRF sorter behaviour, ported from Mesos 1.11's src/tests/sorter_tests.cpp
 * (the `DRFSorterTest` cases; the test names are kept in parentheses), plus
 * checks of what we do beyond Mesos: the cached sort result, share(),
 * allocationCount(), a pool shared between sorters, and excluded names.
 */
import { DRFSorter } from './drf-sorter';
import type { Resources } from '@mesos-ts/resources';
import { persistentVolume, q, r, revocableCpus, seededRandom, sharedVolume } from './internal/test-fixtures';
import { ResourcePool } from './sorter';

const AGENT = 'agentId';

function sorterWith(total: string): DRFSorter {
  const sorter = new DRFSorter();
  sorter.addAgent(AGENT, q(total));
  return sorter;
}

function addActive(sorter: DRFSorter, ...clients: string[]): void {
  for (const c of clients) {
    sorter.add(c);
    sorter.activate(c);
  }
}

describe('DRFSorter', () => {
  it('orders by dominant share through adds, removes, total changes and (de)activation (DRF)', () => {
    const sorter = sorterWith('cpus:100;mem:100');
    expect(sorter.sort()).toEqual([]);

    addActive(sorter, 'a');
    sorter.allocated('a', AGENT, r('cpus:5;mem:5'));
    addActive(sorter, 'b');
    sorter.allocated('b', AGENT, r('cpus:6;mem:6'));
    expect(sorter.sort()).toEqual(['a', 'b']);

    addActive(sorter, 'c');
    sorter.allocated('c', AGENT, r('cpus:1;mem:1'));
    addActive(sorter, 'd');
    sorter.allocated('d', AGENT, r('cpus:3;mem:1'));
    expect(sorter.sort()).toEqual(['c', 'd', 'a', 'b']);

    sorter.remove('a');
    sorter.unallocated('b', AGENT, r('cpus:4;mem:4'));
    expect(sorter.sort()).toEqual(['c', 'b', 'd']);

    addActive(sorter, 'e');
    sorter.allocated('e', AGENT, r('cpus:1;mem:5'));
    sorter.removeAgent(AGENT);
    sorter.addAgent(AGENT, q('cpus:50;mem:100'));
    // b = .04, c = .02, d = .06, e = .05
    expect(sorter.sort()).toEqual(['c', 'b', 'e', 'd']);

    sorter.removeAgent(AGENT);
    sorter.addAgent(AGENT, q('cpus:50;mem:200'));
    addActive(sorter, 'f');
    sorter.allocated('f', AGENT, r('cpus:5;mem:1'));
    sorter.allocated('c', AGENT, r('cpus:0;mem:15'));
    // b = .04, c = .08, d = .06, e = .025, f = .1
    expect(sorter.sort()).toEqual(['e', 'b', 'd', 'c', 'f']);

    expect(sorter.contains('b')).toBe(true);
    expect(sorter.contains('a')).toBe(false);
    expect(sorter.count()).toBe(5);

    sorter.deactivate('d');
    expect(sorter.contains('d')).toBe(true);
    expect(sorter.isActive('d')).toBe(false);
    expect(sorter.sort()).toEqual(['e', 'b', 'c', 'f']);
    expect(sorter.count()).toBe(5);

    sorter.activate('d');
    expect(sorter.isActive('d')).toBe(true);
    expect(sorter.sort()).toEqual(['e', 'b', 'd', 'c', 'f']);
  });

  it('divides shares by weights (WDRF)', () => {
    const sorter = sorterWith('cpus:100;mem:100');
    addActive(sorter, 'a');
    sorter.allocated('a', AGENT, r('cpus:5;mem:5'));
    addActive(sorter, 'b');
    sorter.updateWeight('b', 2);
    sorter.allocated('b', AGENT, r('cpus:6;mem:6'));
    expect(sorter.sort()).toEqual(['b', 'a']);

    addActive(sorter, 'c');
    sorter.allocated('c', AGENT, r('cpus:4;mem:4'));
    expect(sorter.sort()).toEqual(['b', 'c', 'a']);

    addActive(sorter, 'd');
    sorter.updateWeight('d', 10);
    sorter.allocated('d', AGENT, r('cpus:10;mem:20'));
    expect(sorter.sort()).toEqual(['d', 'b', 'c', 'a']);

    sorter.remove('b');
    expect(sorter.sort()).toEqual(['d', 'c', 'a']);

    sorter.allocated('d', AGENT, r('cpus:10;mem:25'));
    // a = .05, c = .04, d = .045
    expect(sorter.sort()).toEqual(['c', 'd', 'a']);

    addActive(sorter, 'e');
    sorter.updateWeight('e', 0.1);
    sorter.allocated('e', AGENT, r('cpus:1;mem:1'));
    expect(sorter.sort()).toEqual(['c', 'd', 'a', 'e']);

    sorter.remove('a');
    expect(sorter.sort()).toEqual(['c', 'd', 'e']);
  });

  it('re-sorts when a weight changes (UpdateWeight)', () => {
    const sorter = sorterWith('cpus:100;mem:100');
    addActive(sorter, 'a');
    sorter.allocated('a', AGENT, r('cpus:5;mem:5'));
    addActive(sorter, 'b');
    sorter.allocated('b', AGENT, r('cpus:6;mem:6'));
    expect(sorter.sort()).toEqual(['a', 'b']);
    sorter.updateWeight('b', 2);
    expect(sorter.sort()).toEqual(['b', 'a']);
  });

  it('breaks share ties by allocation count (AllocationCountTieBreak)', () => {
    const sorter = sorterWith('cpus:100;mem:100');
    for (const c of ['a', 'b', 'c', 'd', 'e']) sorter.add(c);
    for (const c of ['a', 'b', 'c', 'd', 'e']) sorter.activate(c);

    sorter.allocated('a', AGENT, r('cpus:3;mem:3'));
    sorter.allocated('b', AGENT, r('cpus:3;mem:3'));
    sorter.allocated('c', AGENT, r('cpus:1;mem:1'));
    sorter.allocated('c', AGENT, r('cpus:1;mem:1'));
    sorter.allocated('c', AGENT, r('cpus:1;mem:1'));
    sorter.allocated('d', AGENT, r('cpus:2;mem:2'));
    sorter.allocated('d', AGENT, r('cpus:1;mem:1'));
    sorter.allocated('e', AGENT, r('cpus:3;mem:3'));
    expect(sorter.sort()).toEqual(['a', 'b', 'e', 'd', 'c']);
    expect(sorter.allocationCount('c')).toBe(3);

    // Unallocating and re-allocating does not reset the count.
    sorter.unallocated('c', AGENT, r('cpus:3;mem:3'));
    expect(sorter.sort()).toEqual(['c', 'a', 'b', 'e', 'd']);
    sorter.allocated('c', AGENT, r('cpus:3;mem:3'));
    expect(sorter.sort()).toEqual(['a', 'b', 'e', 'd', 'c']);

    // Neither does deactivating and re-activating.
    sorter.deactivate('c');
    sorter.activate('c');
    expect(sorter.sort()).toEqual(['a', 'b', 'e', 'd', 'c']);

    sorter.unallocated('c', AGENT, r('cpus:3;mem:3'));
    sorter.allocated('c', AGENT, r('cpus:3;mem:3'));
    expect(sorter.sort()).toEqual(['a', 'b', 'e', 'd', 'c']);
    expect(sorter.allocationCount('c')).toBe(5);

    // Allocations to an inactive client count too.
    sorter.deactivate('a');
    sorter.unallocated('a', AGENT, r('cpus:1;mem:3'));
    sorter.allocated('a', AGENT, r('cpus:1;mem:3'));
    expect(sorter.sort()).toEqual(['b', 'e', 'd', 'c']);
    sorter.activate('a');
    expect(sorter.sort()).toEqual(['b', 'e', 'a', 'd', 'c']);
  });

  // The DRF sequence again with nested names: disjoint branches do not change the order.
  describe.each([
    ['ShallowHierarchy', { a: 'a/a', b: 'b/b', c: 'c/c', d: 'd/d', e: 'e/e', f: 'f/f' }],
    ['DeepHierarchy', { a: 'a/a/a/a/a', b: 'b/b/b/b', c: 'c/c/c', d: 'd/d', e: 'e/e/e/e/e/e', f: 'f/f' }],
  ])('with nested client names (%s)', (_name, n) => {
    it('gives the same order as flat names', () => {
      const sorter = sorterWith('cpus:100;mem:100');
      addActive(sorter, n.a);
      sorter.allocated(n.a, AGENT, r('cpus:5;mem:5'));
      addActive(sorter, n.b);
      sorter.allocated(n.b, AGENT, r('cpus:6;mem:6'));
      expect(sorter.sort()).toEqual([n.a, n.b]);

      addActive(sorter, n.c);
      sorter.allocated(n.c, AGENT, r('cpus:1;mem:1'));
      addActive(sorter, n.d);
      sorter.allocated(n.d, AGENT, r('cpus:3;mem:1'));
      expect(sorter.sort()).toEqual([n.c, n.d, n.a, n.b]);

      sorter.remove(n.a);
      sorter.unallocated(n.b, AGENT, r('cpus:4;mem:4'));
      expect(sorter.sort()).toEqual([n.c, n.b, n.d]);

      addActive(sorter, n.e);
      sorter.allocated(n.e, AGENT, r('cpus:1;mem:5'));
      sorter.removeAgent(AGENT);
      sorter.addAgent(AGENT, q('cpus:50;mem:100'));
      expect(sorter.sort()).toEqual([n.c, n.b, n.e, n.d]);

      sorter.removeAgent(AGENT);
      sorter.addAgent(AGENT, q('cpus:50;mem:200'));
      addActive(sorter, n.f);
      sorter.allocated(n.f, AGENT, r('cpus:5;mem:1'));
      sorter.allocated(n.c, AGENT, r('cpus:0;mem:15'));
      expect(sorter.sort()).toEqual([n.e, n.b, n.d, n.c, n.f]);

      expect(sorter.contains(n.b)).toBe(true);
      expect(sorter.contains(n.a)).toBe(false);
      expect(sorter.count()).toBe(5);

      sorter.deactivate(n.d);
      expect(sorter.contains(n.d)).toBe(true);
      expect(sorter.sort()).toEqual([n.e, n.b, n.c, n.f]);
      expect(sorter.count()).toBe(5);
      sorter.activate(n.d);
      expect(sorter.sort()).toEqual([n.e, n.b, n.d, n.c, n.f]);
    });
  });

  it('orders subtrees by their total allocation (HierarchicalAllocation)', () => {
    const sorter = sorterWith('cpus:100;mem:100');
    sorter.add('a');
    sorter.add('b/c');
    sorter.add('b/d');
    sorter.activate('a');
    sorter.activate('b/c');
    sorter.activate('b/d');

    expect(sorter.count()).toBe(3);
    expect(sorter.contains('a')).toBe(true);
    expect(sorter.contains('b')).toBe(false);
    expect(sorter.contains('b/c')).toBe(true);
    expect(sorter.contains('b/d')).toBe(true);
    expect(sorter.sort()).toEqual(['a', 'b/c', 'b/d']);

    const aResources = r('cpus:6;mem:6');
    sorter.allocated('a', AGENT, aResources);
    expect(sorter.sort()).toEqual(['b/c', 'b/d', 'a']);

    const cResources = r('cpus:4;mem:4');
    const dResources = r('cpus:3;mem:3');
    sorter.allocated('b/c', AGENT, cResources);
    sorter.allocated('b/d', AGENT, dResources);
    // a = .06, b = .07 (b/d = .03, b/c = .04)
    expect(sorter.sort()).toEqual(['a', 'b/d', 'b/c']);

    expect(sorter.allocationOn('a', AGENT).equals(aResources)).toBe(true);
    expect(sorter.allocationOn('b/c', AGENT).equals(cResources)).toBe(true);
    expect(sorter.allocationOn('b/d', AGENT).equals(dResources)).toBe(true);
    expect(sorter.allocationScalarQuantities('a').equals(aResources.scalarQuantities())).toBe(true);
    expect(sorter.allocationScalarQuantities('b/c').equals(cResources.scalarQuantities())).toBe(true);
    expect(sorter.allocationScalarQuantities('b/d').equals(dResources.scalarQuantities())).toBe(true);
    expect(sorter.allocationScalarQuantities().equals(aResources.plus(cResources).plus(dResources).scalarQuantities())).toBe(true);

    sorter.allocated('a', AGENT, r('cpus:2;mem:2'));
    expect(sorter.sort()).toEqual(['b/d', 'b/c', 'a']);

    sorter.add('b/e/f');
    sorter.activate('b/e/f');
    expect(sorter.contains('b/e')).toBe(false);
    expect(sorter.contains('b/e/f')).toBe(true);
    expect(sorter.sort()).toEqual(['b/e/f', 'b/d', 'b/c', 'a']);

    const fResources = r('cpus:3.5;mem:3.5');
    sorter.allocated('b/e/f', AGENT, fResources);
    // a = .08, b = .105 (b/d = .03, b/e = .035, b/c = .04)
    expect(sorter.sort()).toEqual(['a', 'b/d', 'b/e/f', 'b/c']);

    // Removing a client updates the share of its subtree.
    sorter.remove('b/e/f');
    expect(sorter.contains('b/e/f')).toBe(false);
    expect(sorter.count()).toBe(3);
    expect(sorter.sort()).toEqual(['b/d', 'b/c', 'a']);

    // So does updating one.
    sorter.update('b/c', AGENT, cResources, r('cpus:1;mem:1'));
    expect(sorter.sort()).toEqual(['b/c', 'b/d', 'a']);

    sorter.add('b/e/f');
    sorter.activate('b/e/f');
    sorter.allocated('b/e/f', AGENT, fResources);
    expect(sorter.sort()).toEqual(['b/c', 'b/d', 'b/e/f', 'a']);
    expect(sorter.count()).toBe(4);
  });

  it('lists clients in pre-order over the sorted levels (HierarchicalIterationOrder)', () => {
    const sorter = sorterWith('cpus:100;mem:100');
    for (const c of ['a/b', 'c', 'd', 'd/e']) sorter.add(c);
    for (const c of ['a/b', 'c', 'd', 'd/e']) sorter.activate(c);
    expect(sorter.sort()).toEqual(['a/b', 'c', 'd', 'd/e']);

    sorter.allocated('c', AGENT, r('cpus:8;mem:8'));
    expect(sorter.sort()).toEqual(['a/b', 'd', 'd/e', 'c']);

    sorter.allocated('d', AGENT, r('cpus:3;mem:3'));
    sorter.allocated('d/e', AGENT, r('cpus:2;mem:2'));
    expect(sorter.sort()).toEqual(['a/b', 'd/e', 'd', 'c']);

    sorter.allocated('a/b', AGENT, r('cpus:6;mem:6'));
    expect(sorter.sort()).toEqual(['d/e', 'd', 'a/b', 'c']);
  });

  it('turns a leaf into an internal node with a virtual leaf (AddChildToLeaf)', () => {
    const sorter = sorterWith('cpus:100;mem:100');
    addActive(sorter, 'a');
    sorter.allocated('a', AGENT, r('cpus:10;mem:10'));
    addActive(sorter, 'b');
    sorter.allocated('b', AGENT, r('cpus:6;mem:6'));
    expect(sorter.sort()).toEqual(['b', 'a']);

    // Subtree `a` now competes with `b`; within it, `a` competes with `a/c`.
    addActive(sorter, 'a/c');
    sorter.allocated('a/c', AGENT, r('cpus:5;mem:5'));
    expect(sorter.sort()).toEqual(['b', 'a/c', 'a']);

    sorter.remove('a');
    expect(sorter.contains('a')).toBe(false);
    expect(sorter.sort()).toEqual(['a/c', 'b']);

    addActive(sorter, 'a');
    sorter.allocated('a', AGENT, r('cpus:10;mem:10'));
    expect(sorter.contains('a')).toBe(true);
    expect(sorter.sort()).toEqual(['b', 'a/c', 'a']);

    // `a/.` has weight 1 against `a/c`...
    sorter.updateWeight('a/c', 0.2);
    expect(sorter.sort()).toEqual(['b', 'a', 'a/c']);

    // ...and the weight of `a` applies to the subtree against `b`.
    sorter.updateWeight('a', 3);
    expect(sorter.sort()).toEqual(['a', 'a/c', 'b']);

    sorter.updateWeight('a/c', 1);
    expect(sorter.sort()).toEqual(['a/c', 'a', 'b']);
  });

  it('adds a client at an internal node (AddChildToInternal)', () => {
    const sorter = sorterWith('cpus:100;mem:100');
    addActive(sorter, 'x/a');
    sorter.allocated('x/a', AGENT, r('cpus:10;mem:10'));
    addActive(sorter, 'x/b');
    sorter.allocated('x/b', AGENT, r('cpus:6;mem:6'));
    expect(sorter.sort()).toEqual(['x/b', 'x/a']);

    addActive(sorter, 'x');
    sorter.allocated('x', AGENT, r('cpus:7;mem:7'));
    expect(sorter.sort()).toEqual(['x/b', 'x', 'x/a']);

    addActive(sorter, 'z');
    sorter.allocated('z', AGENT, r('cpus:20;mem:20'));
    expect(sorter.sort()).toEqual(['z', 'x/b', 'x', 'x/a']);

    sorter.remove('x');
    expect(sorter.sort()).toEqual(['x/b', 'x/a', 'z']);
  });

  it('keeps an inactive leaf inactive when it gets a child (AddChildToInactiveLeaf)', () => {
    const sorter = sorterWith('cpus:100;mem:100');
    addActive(sorter, 'a');
    sorter.allocated('a', AGENT, r('cpus:10;mem:10'));
    addActive(sorter, 'b');
    sorter.allocated('b', AGENT, r('cpus:6;mem:6'));
    sorter.deactivate('a');
    expect(sorter.sort()).toEqual(['b']);

    addActive(sorter, 'a/c');
    sorter.allocated('a/c', AGENT, r('cpus:5;mem:5'));
    expect(sorter.sort()).toEqual(['b', 'a/c']);
    expect(sorter.isActive('a')).toBe(false);
  });

  it('applies weights set on internal nodes, before or after they exist (ChangeWeightOnSubtree)', () => {
    const sorter = sorterWith('cpus:100;mem:100');
    sorter.updateWeight('b', 3);
    sorter.updateWeight('a', 2);
    addActive(sorter, 'a/x', 'b/y');
    expect(sorter.sort()).toEqual(['a/x', 'b/y']);

    sorter.allocated('a/x', AGENT, r('cpus:10;mem:10'));
    sorter.allocated('b/y', AGENT, r('cpus:10;mem:10'));
    expect(sorter.sort()).toEqual(['b/y', 'a/x']);

    addActive(sorter, 'b/z');
    sorter.allocated('b/z', AGENT, r('cpus:5;mem:5'));
    expect(sorter.sort()).toEqual(['b/z', 'b/y', 'a/x']);

    addActive(sorter, 'b');
    sorter.allocated('b', AGENT, r('cpus:4;mem:4'));
    expect(sorter.sort()).toEqual(['a/x', 'b', 'b/z', 'b/y']);

    addActive(sorter, 'a/zz');
    sorter.allocated('a/zz', AGENT, r('cpus:2;mem:2'));
    expect(sorter.sort()).toEqual(['a/zz', 'a/x', 'b', 'b/z', 'b/y']);
  });

  it('applies a weight changed on an existing internal node that is not a client', () => {
    // Mesos 1.11 keeps the weight it cached on such a node (its updateWeight
    // only finds clients); we apply the new weight.
    const sorter = sorterWith('cpus:100;mem:100');
    addActive(sorter, 'a/x', 'b/y');
    sorter.allocated('a/x', AGENT, r('cpus:10;mem:10'));
    sorter.allocated('b/y', AGENT, r('cpus:20;mem:20'));
    expect(sorter.sort()).toEqual(['a/x', 'b/y']);
    sorter.updateWeight('b', 4);
    expect(sorter.sort()).toEqual(['b/y', 'a/x']);
    sorter.updateWeight('b', 1);
    expect(sorter.sort()).toEqual(['a/x', 'b/y']);
  });

  it('adds up the pieces of a resource split in several entries (SplitResourceShares)', () => {
    const sorter = new DRFSorter();
    addActive(sorter, 'a', 'b');
    sorter.addAgent(AGENT, q('cpus:100;mem:100;disk:100'));
    sorter.allocated('a', AGENT, r('cpus:9;mem:9;disk:9'));
    sorter.allocated('b', AGENT, r('cpus:9;mem:9').plus(persistentVolume(5, 'ID2', 'data')).plus(persistentVolume(5, 'ID2', 'data')));
    expect(sorter.sort()).toEqual(['a', 'b']);
  });

  it('re-sorts when the total changes (UpdateTotal)', () => {
    const sorter = new DRFSorter();
    addActive(sorter, 'a', 'b');
    sorter.addAgent(AGENT, q('cpus:10;mem:100'));
    sorter.allocated('a', AGENT, r('cpus:2;mem:1'));
    sorter.allocated('b', AGENT, r('cpus:1;mem:2'));
    expect(sorter.sort()).toEqual(['b', 'a']);

    sorter.removeAgent(AGENT);
    sorter.addAgent(AGENT, q('cpus:100;mem:10'));
    expect(sorter.sort()).toEqual(['a', 'b']);
  });

  it('re-sorts when one of several agents changes (MultipleSlavesUpdateTotal)', () => {
    const sorter = new DRFSorter();
    addActive(sorter, 'a', 'b');
    sorter.addAgent('agentA', q('cpus:5;mem:50'));
    sorter.addAgent('agentB', q('cpus:5;mem:50'));
    sorter.allocated('a', 'agentA', r('cpus:2;mem:1'));
    sorter.allocated('b', 'agentB', r('cpus:1;mem:3'));
    expect(sorter.sort()).toEqual(['b', 'a']);

    sorter.removeAgent('agentA');
    sorter.addAgent('agentA', q('cpus:95;mem:50'));
    expect(sorter.sort()).toEqual(['a', 'b']);
  });

  it('follows a total and an allocation shrinking together (RemoveResources)', () => {
    const sorter = new DRFSorter();
    addActive(sorter, 'a', 'b');
    const total = r('cpus:10');
    sorter.addAgent(AGENT, total.scalarQuantities());
    const forA = r('cpus:6');
    sorter.allocated('a', AGENT, forA);
    sorter.allocated('b', AGENT, r('cpus:4'));
    expect(sorter.sort()).toEqual(['b', 'a']);

    const removed = r('cpus:5');
    sorter.removeAgent(AGENT);
    sorter.addAgent(AGENT, total.minus(removed).scalarQuantities());
    sorter.update('a', AGENT, forA, forA.minus(removed));
    expect(sorter.sort()).toEqual(['a', 'b']);
  });

  it('counts revocable resources under their name (RevocableResources)', () => {
    const sorter = new DRFSorter();
    addActive(sorter, 'a', 'b');
    sorter.addAgent(AGENT, r('cpus:10;mem:100').plus(revocableCpus(10)).scalarQuantities());
    const a = r('cpus:2;mem:1');
    sorter.allocated('a', AGENT, a);
    const b = r('cpus:1;mem:1').plus(revocableCpus(9));
    sorter.allocated('b', AGENT, b);
    expect(sorter.allocationOn('a', AGENT).equals(a)).toBe(true);
    expect(sorter.allocationOn('b', AGENT).equals(b)).toBe(true);
    expect(sorter.sort()).toEqual(['a', 'b']);
    expect(sorter.share('b')).toBeCloseTo(0.5);
  });

  describe('shared resources', () => {
    it('count once per client (SharedResources)', () => {
      const disk = sharedVolume(100, 'role1', 'id1', 'path1');
      const sorter = new DRFSorter();
      sorter.addAgent(AGENT, r('cpus:100;mem:100;disk(role1):900').plus(disk).scalarQuantities());

      addActive(sorter, 'a');
      sorter.allocated('a', AGENT, r('cpus:5;mem:5').plus(disk));
      addActive(sorter, 'b');
      sorter.allocated('b', AGENT, r('cpus:6;mem:6'));
      // a = .1 (disk), b = .06 (cpus)
      expect(sorter.sort()).toEqual(['b', 'a']);

      addActive(sorter, 'c');
      sorter.allocated('c', AGENT, r('cpus:1;mem:1').plus(disk));
      expect(sorter.sort()).toEqual(['b', 'a', 'c']);

      sorter.remove('a');
      sorter.unallocated('b', AGENT, r('cpus:4;mem:4'));
      expect(sorter.sort()).toEqual(['b', 'c']);

      addActive(sorter, 'd');
      sorter.allocated('d', AGENT, r('cpus:1;mem:5').plus(disk));
      expect(sorter.sort()).toEqual(['b', 'c', 'd']);
      expect(sorter.contains('b')).toBe(true);
      expect(sorter.contains('a')).toBe(false);
      expect(sorter.count()).toBe(3);
      // The root counts the volume once, although c and d both hold it.
      expect(sorter.allocationScalarQuantities().get('disk')).toBe(100);
    });

    it('can make clients tie on the shared resource (SameDominantSharedResourcesAcrossClients)', () => {
      const disk = sharedVolume(900, 'role1', 'id1', 'path1');
      const sorter = new DRFSorter();
      sorter.addAgent(AGENT, r('cpus:100;mem:100;disk(role1):100').plus(disk).scalarQuantities());
      addActive(sorter, 'b');
      sorter.allocated('b', AGENT, r('cpus:5;mem:20').plus(disk));
      addActive(sorter, 'c');
      sorter.allocated('c', AGENT, r('cpus:10;mem:6').plus(disk));
      expect(sorter.sort()).toEqual(['b', 'c']);
      addActive(sorter, 'a');
      sorter.allocated('a', AGENT, r('cpus:50;mem:40').plus(disk));
      expect(sorter.sort()).toEqual(['a', 'b', 'c']);
    });

    it('does not change the share for more copies (SameSharedResourcesSameClient)', () => {
      const disk = sharedVolume(50, 'role1', 'id1', 'path1');
      const sorter = new DRFSorter();
      sorter.addAgent(AGENT, r('cpus:100;mem:100;disk(role1):950').plus(disk).scalarQuantities());
      addActive(sorter, 'a');
      sorter.allocated('a', AGENT, r('cpus:2;mem:2').plus(disk));
      addActive(sorter, 'b');
      sorter.allocated('b', AGENT, r('cpus:6;mem:6'));
      expect(sorter.sort()).toEqual(['a', 'b']);
      expect(sorter.share('a')).toBeCloseTo(0.05);

      sorter.allocated('a', AGENT, disk.plus(disk).plus(disk));
      expect(sorter.sort()).toEqual(['a', 'b']);
      expect(sorter.share('a')).toBeCloseTo(0.05);
      expect(sorter.allocationScalarQuantities('a').get('disk')).toBe(50);
    });

    it('stop counting only when the last copy goes (SharedResourcesUnallocated)', () => {
      const disk = sharedVolume(100, 'role1', 'id1', 'path1');
      const sorter = new DRFSorter();
      sorter.addAgent(AGENT, r('cpus:100;mem:100;disk(role1):900').plus(disk).scalarQuantities());
      addActive(sorter, 'a');
      sorter.allocated('a', AGENT, r('cpus:2;mem:2').plus(disk).plus(disk).plus(disk));
      addActive(sorter, 'b');
      sorter.allocated('b', AGENT, r('cpus:6;mem:6'));
      expect(sorter.sort()).toEqual(['b', 'a']);

      sorter.unallocated('a', AGENT, disk);
      expect(sorter.sort()).toEqual(['b', 'a']);

      sorter.unallocated('a', AGENT, disk.plus(disk));
      expect(sorter.sort()).toEqual(['a', 'b']);
      expect(sorter.allocationScalarQuantities('a').get('disk')).toBe(0);
      expect(sorter.allocationScalarQuantities().get('disk')).toBe(0);
    });

    it('count once per subtree and agent on internal nodes', () => {
      const disk = sharedVolume(50, 'role1', 'id1', 'path1');
      const sorter = new DRFSorter();
      sorter.addAgent(AGENT, r('cpus:100;mem:100;disk(role1):50').plus(disk).scalarQuantities());
      addActive(sorter, 'x/a', 'x/b', 'y');
      sorter.allocated('x/a', AGENT, r('cpus:1;mem:1').plus(disk));
      sorter.allocated('x/b', AGENT, r('cpus:1;mem:1').plus(disk));
      sorter.allocated('y', AGENT, r('cpus:40;mem:40'));
      // x holds the volume once: 50 / 100 = .5 > y's .4.
      expect(sorter.sort()).toEqual(['y', 'x/a', 'x/b']);
      expect(sorter.allocationScalarQuantities().get('disk')).toBe(50);

      // One holder left: x still holds it.
      sorter.remove('x/a');
      expect(sorter.sort()).toEqual(['y', 'x/b']);
      sorter.update('x/b', AGENT, disk, r('disk(role1):1'));
      expect(sorter.sort()).toEqual(['x/b', 'y']);
      expect(sorter.allocationScalarQuantities().get('disk')).toBe(1);
    });
  });

  it('ignores fairness-excluded resource names', () => {
    const sorter = new DRFSorter({ fairnessExcludeResourceNames: ['gpus'] });
    sorter.addAgent(AGENT, q('cpus:100;mem:100;gpus:4'));
    addActive(sorter, 'a', 'b');
    sorter.allocated('a', AGENT, r('cpus:1;mem:1;gpus:4'));
    sorter.allocated('b', AGENT, r('cpus:2;mem:2'));
    expect(sorter.sort()).toEqual(['a', 'b']);
    expect(sorter.share('a')).toBeCloseTo(0.01);

    sorter.initialize([]);
    expect(sorter.sort()).toEqual(['b', 'a']);
    expect(sorter.share('a')).toBe(1);
  });

  it('ignores resources the pool does not have (shares only over pool names)', () => {
    const sorter = sorterWith('cpus:10');
    addActive(sorter, 'a', 'b');
    sorter.allocated('a', AGENT, r('cpus:1;mem:1000'));
    sorter.allocated('b', AGENT, r('cpus:2'));
    expect(sorter.sort()).toEqual(['a', 'b']);
    expect(sorter.share('a')).toBeCloseTo(0.1);
  });

  it('reports shares for metrics, with weight 1 for a virtual leaf', () => {
    const sorter = sorterWith('cpus:100;mem:100');
    addActive(sorter, 'a', 'a/b');
    sorter.updateWeight('a', 2);
    sorter.allocated('a', AGENT, r('cpus:10;mem:5'));
    sorter.allocated('a/b', AGENT, r('cpus:20'));
    expect(sorter.share('a')).toBeCloseTo(0.1); // the leaf `a/.` has weight 1
    expect(sorter.share('a/b')).toBeCloseTo(0.2);
    expect(sorter.allocationCount('a')).toBe(1);
    expect(() => sorter.share('nope')).toThrow(/Unknown sorter client 'nope'/);
  });

  it('returns the same array from sort() until the order changes', () => {
    const sorter = sorterWith('cpus:100;mem:100');
    addActive(sorter, 'a', 'b', 'c');
    const first = sorter.sort();
    expect(first).toEqual(['a', 'b', 'c']);
    expect(sorter.sort()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);

    sorter.allocated('c', AGENT, r('cpus:1'));
    // c already sorts last; nothing moved.
    expect(sorter.sort()).toBe(first);

    sorter.allocated('a', AGENT, r('cpus:2'));
    const second = sorter.sort();
    expect(second).toEqual(['b', 'c', 'a']);
    expect(first).toEqual(['a', 'b', 'c']); // an old result is never changed

    sorter.unallocated('a', AGENT, r('cpus:2'));
    expect(sorter.sort()).toEqual(['b', 'a', 'c']);
  });

  it('recomputes shares lazily when a shared pool changes', () => {
    const pool = new ResourcePool();
    const roles = new DRFSorter({ pool });
    const frameworks = new DRFSorter({ pool });
    pool.addAgent('s1', q('cpus:10;mem:100'));
    addActive(roles, 'r1', 'r2');
    addActive(frameworks, 'f1', 'f2');
    roles.allocated('r1', 's1', r('cpus:2;mem:10'));
    roles.allocated('r2', 's1', r('cpus:1;mem:30'));
    frameworks.allocated('f1', 's1', r('cpus:2;mem:10'));
    frameworks.allocated('f2', 's1', r('cpus:1;mem:30'));
    expect(roles.sort()).toEqual(['r1', 'r2']);
    expect(frameworks.sort()).toEqual(['f1', 'f2']);

    pool.addAgent('s2', q('cpus:0.001;mem:900')); // now cpus dominate
    expect(roles.sort()).toEqual(['r2', 'r1']);
    expect(frameworks.share('f1')).toBeCloseTo(2 / 10.001);
    expect(frameworks.sort()).toEqual(['f2', 'f1']);
  });

  it('keeps allocations per agent and drops emptied agents', () => {
    const sorter = new DRFSorter();
    sorter.add('f');
    sorter.addAgent('s1', q('cpus:4;mem:100'));
    sorter.addAgent('s2', q('cpus:4;mem:100'));
    const x = r('cpus:1;mem:10;ports:[31000-31010]');
    sorter.allocated('f', 's1', x);
    sorter.allocated('f', 's1', r('cpus:1'));
    sorter.allocated('f', 's2', x);
    expect([...sorter.allocation('f').keys()].sort()).toEqual(['s1', 's2']);
    expect(sorter.allocationOn('f', 's1').toString()).toBe('cpus:2; mem:10; ports:[31000-31010]');
    sorter.unallocated('f', 's2', x);
    expect([...sorter.allocation('f').keys()]).toEqual(['s1']);
    expect(sorter.allocationOn('f', 's2').isEmpty()).toBe(true);
    expect(() => sorter.unallocated('f', 's2', x)).toThrow(/holds nothing on agent s2/);
    expect(() => sorter.unallocated('f', 's1', r('cpus:3'))).toThrow(/does not contain/);
    // A failed call changes nothing.
    expect(sorter.allocationScalarQuantities('f').toString()).toBe('cpus:2; mem:10');
  });

  it('keeps long sibling lists in the order a full re-sort gives', () => {
    // Hundreds of siblings with few distinct amounts, so binary searches run
    // over long runs of equal shares; initialize() forces Mesos's full re-sort.
    const random = seededRandom(99);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const sorter = new DRFSorter();
    for (let a = 0; a < 20; a++) sorter.addAgent(`s${a}`, q('cpus:64;mem:256'));
    const clients: string[] = [];
    for (let i = 0; i < 300; i++) clients.push(String(i));
    for (let i = 0; i < 60; i++) clients.push(`g${i % 6}/${i}`);
    for (const c of clients) {
      sorter.add(c);
      if (random() < 0.9) sorter.activate(c);
    }
    const chunks = [r('cpus:1;mem:1'), r('cpus:1;mem:4'), r('cpus:2;mem:1')];
    const held: [string, string, Resources][] = [];
    for (let step = 1; step <= 4000; step++) {
      const roll = random();
      if (roll < 0.55 || held.length === 0) {
        const entry: [string, string, Resources] = [pick(clients), `s${Math.floor(random() * 20)}`, pick(chunks)];
        sorter.allocated(...entry);
        held.push(entry);
      } else if (roll < 0.9) {
        const [entry] = held.splice(Math.floor(random() * held.length), 1);
        sorter.unallocated(...entry!);
      } else if (roll < 0.95) {
        sorter.updateWeight(pick(['g0', 'g1', 'g2', '7', '8']), pick([0.5, 1, 2]));
      } else {
        const c = pick(clients);
        if (sorter.isActive(c)) sorter.deactivate(c);
        else sorter.activate(c);
      }
      if (step % 100 === 0) {
        const incremental = [...sorter.sort()];
        sorter.initialize([]);
        expect(sorter.sort()).toEqual(incremental);
      }
    }
  });

  it('rejects duplicate, unknown and malformed clients', () => {
    const sorter = new DRFSorter();
    sorter.add('a');
    expect(() => sorter.add('a')).toThrow(/already exists/);
    expect(() => sorter.remove('b')).toThrow(/Unknown sorter client 'b'/);
    expect(() => sorter.activate('b')).toThrow(/Unknown/);
    expect(() => sorter.add('a/./b')).toThrow(/'\.' component/);
    expect(sorter.count()).toBe(1);
  });
});
