/**
 * Behaviour both sorters share, ported from the `CommonSorterTest` cases of
 * Mesos 1.11's src/tests/sorter_tests.cpp (names kept in parentheses): the
 * client tree and the allocation bookkeeping. As in Mesos, the DRF and the
 * random sorter run the same suite.
 */
import type { Resources } from '@mesos-ts/resources';
import { DRFSorter } from './drf-sorter';
import { persistentVolume, q, r, seededRandom, sharedVolume } from './internal/test-fixtures';
import { RandomSorter } from './random-sorter';
import type { Sorter } from './sorter';

const AGENT = 'agentId';

const sorters: [string, () => Sorter][] = [
  ['DRFSorter', () => new DRFSorter()],
  ['RandomSorter', () => new RandomSorter({ random: seededRandom(7) })],
];

function createVolume(allocation: Resources): Resources {
  const result = allocation.apply({ type: 'CREATE', volumes: persistentVolume(5, 'ID', 'data') });
  if (!result.ok) throw result.error;
  return result.value;
}

const sorted = (clients: readonly string[]) => [...clients].sort();

describe.each(sorters)('%s (common sorter behaviour)', (_name, make) => {
  function addActive(sorter: Sorter, ...clients: string[]): void {
    for (const c of clients) {
      sorter.add(c);
      sorter.activate(c);
    }
  }

  it('collapses a parent back into a leaf (RemoveLeafCollapseParent)', () => {
    const sorter = make();
    sorter.addAgent(AGENT, q('cpus:100;mem:100'));
    addActive(sorter, 'a');
    sorter.allocated('a', AGENT, r('cpus:10;mem:10'));
    addActive(sorter, 'b');
    sorter.allocated('b', AGENT, r('cpus:6;mem:6'));
    addActive(sorter, 'a/c');
    sorter.allocated('a/c', AGENT, r('cpus:5;mem:5'));
    expect(sorted(sorter.sort())).toEqual(['a', 'a/c', 'b']);

    sorter.remove('a/c');
    expect(sorted(sorter.sort())).toEqual(['a', 'b']);
    // The collapsed leaf keeps the client's allocation.
    expect(sorter.allocationOn('a', AGENT).toString()).toBe('cpus:10; mem:10');
    expect(sorter.allocationScalarQuantities('a').toString()).toBe('cpus:10; mem:10');
    expect(sorter.allocationScalarQuantities().toString()).toBe('cpus:16; mem:16');
  });

  it('keeps the inactive flag when collapsing (RemoveLeafCollapseParentInactive)', () => {
    const sorter = make();
    sorter.addAgent(AGENT, q('cpus:100;mem:100'));
    addActive(sorter, 'a');
    sorter.allocated('a', AGENT, r('cpus:10;mem:10'));
    addActive(sorter, 'b');
    sorter.allocated('b', AGENT, r('cpus:6;mem:6'));
    addActive(sorter, 'a/c');
    sorter.allocated('a/c', AGENT, r('cpus:5;mem:5'));
    sorter.deactivate('a');
    expect(sorted(sorter.sort())).toEqual(['a/c', 'b']);

    sorter.remove('a/c');
    expect(sorter.sort()).toEqual(['b']);
    expect(sorter.isActive('a')).toBe(false);
    sorter.activate('a');
    expect(sorted(sorter.sort())).toEqual(['a', 'b']);
  });

  it('updates an allocation in place, and to empty (UpdateAllocation)', () => {
    const sorter = make();
    addActive(sorter, 'a', 'b');
    sorter.addAgent(AGENT, q('cpus:10;mem:10;disk:10'));
    sorter.allocated('a', AGENT, r('cpus:10;mem:10;disk:10'));

    const oldAllocation = sorter.allocationOn('a', AGENT);
    const newAllocation = createVolume(oldAllocation);
    sorter.update('a', AGENT, oldAllocation, newAllocation);

    const allocation = sorter.allocation('a');
    expect(allocation.size).toBe(1);
    expect(allocation.get(AGENT)!.equals(newAllocation)).toBe(true);
    expect(sorter.allocationOn('a', AGENT).equals(newAllocation)).toBe(true);
    expect(sorter.allocationScalarQuantities('a').equals(q('cpus:10;mem:10;disk:10'))).toBe(true);
    expect(sorter.allocationScalarQuantities().equals(q('cpus:10;mem:10;disk:10'))).toBe(true);

    // An update to nothing erases the agent's entry (MESOS-9015).
    const resourcesC = r('cpus:10;mem:10;disk:10');
    addActive(sorter, 'c');
    sorter.addAgent('agentId2', resourcesC.scalarQuantities());
    sorter.allocated('c', 'agentId2', resourcesC);
    sorter.update('c', 'agentId2', resourcesC, r('cpus:0'));
    expect(sorter.allocation('c').size).toBe(0);
    expect(sorter.allocationScalarQuantities('c').isEmpty()).toBe(true);
  });

  it('updates the allocation of a nested client (UpdateAllocationNestedClient)', () => {
    const sorter = make();
    addActive(sorter, 'a/x', 'b/y');
    sorter.addAgent(AGENT, q('cpus:10;mem:10;disk:10'));
    sorter.allocated('a/x', AGENT, r('cpus:10;mem:10;disk:10'));

    const oldAllocation = sorter.allocationOn('a/x', AGENT);
    const newAllocation = createVolume(oldAllocation);
    sorter.update('a/x', AGENT, oldAllocation, newAllocation);

    const allocation = sorter.allocation('a/x');
    expect(allocation.size).toBe(1);
    expect(allocation.get(AGENT)!.equals(newAllocation)).toBe(true);
    expect(sorter.allocationOn('a/x', AGENT).equals(newAllocation)).toBe(true);
    expect(sorter.allocationScalarQuantities('a/x').equals(q('cpus:10;mem:10;disk:10'))).toBe(true);
    expect(sorter.allocationScalarQuantities().equals(q('cpus:10;mem:10;disk:10'))).toBe(true);
  });

  it('reports the allocation of an inactive client (AllocationForInactiveClient)', () => {
    const sorter = make();
    sorter.addAgent(AGENT, q('cpus:10;mem:10'));
    sorter.add('a');
    sorter.add('b');
    sorter.activate('b');
    sorter.allocated('a', AGENT, r('cpus:2;mem:2'));
    sorter.allocated('b', AGENT, r('cpus:3;mem:3'));

    const a = sorter.allocation('a');
    expect(a.size).toBe(1);
    expect(a.get(AGENT)!.equals(r('cpus:2;mem:2'))).toBe(true);
    expect(sorter.allocationScalarQuantities('a').equals(q('cpus:2;mem:2'))).toBe(true);

    const b = sorter.allocation('b');
    expect(b.size).toBe(1);
    expect(b.get(AGENT)!.equals(r('cpus:3;mem:3'))).toBe(true);
    expect(sorter.allocationScalarQuantities('b').equals(q('cpus:3;mem:3'))).toBe(true);
    expect(sorter.allocationScalarQuantities().equals(q('cpus:5;mem:5'))).toBe(true);
    expect(sorter.sort()).toEqual(['b']);
  });

  it('keeps allocations per agent (MultipleSlaves)', () => {
    const sorter = make();
    addActive(sorter, 'framework');
    const agentResources = r('cpus:2;mem:512;ports:[31000-32000]');
    const quantities = agentResources.scalarQuantities();
    sorter.addAgent('agentA', quantities);
    sorter.addAgent('agentB', quantities);
    sorter.allocated('framework', 'agentA', agentResources);
    sorter.allocated('framework', 'agentB', agentResources);

    expect(sorter.allocation('framework').size).toBe(2);
    expect(sorter.allocationOn('framework', 'agentA').equals(agentResources)).toBe(true);
    expect(sorter.allocationOn('framework', 'agentB').equals(agentResources)).toBe(true);
    expect(sorter.allocationScalarQuantities('framework').equals(quantities.plus(quantities))).toBe(true);
    expect(sorter.allocationScalarQuantities().equals(quantities.plus(quantities))).toBe(true);
  });

  it('keeps allocations per agent through updates (MultipleSlavesUpdateAllocation)', () => {
    const sorter = make();
    addActive(sorter, 'framework');
    const agentResources = r('cpus:2;mem:512;disk:10;ports:[31000-32000]');
    const quantities = agentResources.scalarQuantities();
    sorter.addAgent('agentA', quantities);
    sorter.addAgent('agentB', quantities);
    sorter.allocated('framework', 'agentA', agentResources);
    sorter.allocated('framework', 'agentB', agentResources);

    const newAllocation = createVolume(agentResources);
    sorter.update('framework', 'agentA', agentResources, newAllocation);
    sorter.update('framework', 'agentB', agentResources, newAllocation);

    expect(sorter.allocation('framework').size).toBe(2);
    expect(sorter.allocationOn('framework', 'agentA').equals(newAllocation)).toBe(true);
    expect(sorter.allocationOn('framework', 'agentB').equals(newAllocation)).toBe(true);
    expect(sorter.allocationScalarQuantities('framework').equals(quantities.plus(quantities))).toBe(true);
    expect(sorter.allocationScalarQuantities().equals(quantities.plus(quantities))).toBe(true);
  });

  it('tracks shared copies per client and agent', () => {
    const sorter = make();
    const disk = sharedVolume(100, 'role1', 'id1', 'path1');
    addActive(sorter, 'a/x', 'a/y');
    sorter.addAgent(AGENT, r('cpus:10').plus(disk).scalarQuantities());
    sorter.allocated('a/x', AGENT, disk.plus(disk));
    sorter.allocated('a/y', AGENT, disk);
    expect(sorter.allocationScalarQuantities('a/x').get('disk')).toBe(100);
    expect(sorter.allocationScalarQuantities().get('disk')).toBe(100);
    sorter.remove('a/x');
    expect(sorter.allocationScalarQuantities().get('disk')).toBe(100);
    sorter.unallocated('a/y', AGENT, disk);
    expect(sorter.allocationScalarQuantities().isEmpty()).toBe(true);
  });

  it('tracks clients, activity and the count through the tree', () => {
    const sorter = make();
    sorter.add('a/b/c');
    expect(sorter.contains('a')).toBe(false);
    expect(sorter.contains('a/b')).toBe(false);
    sorter.add('a');
    sorter.add('a/b');
    expect(sorter.count()).toBe(3);
    expect(sorter.sort()).toEqual([]);
    sorter.activate('a/b');
    expect(sorter.sort()).toEqual(['a/b']);
    sorter.remove('a/b/c');
    sorter.remove('a');
    expect(sorter.sort()).toEqual(['a/b']);
    sorter.remove('a/b');
    expect(sorter.count()).toBe(0);
    expect(sorter.sort()).toEqual([]);
    sorter.add('a');
    sorter.activate('a');
    expect(sorter.sort()).toEqual(['a']);
  });
});
