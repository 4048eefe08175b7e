/**
 * Fairness: DRF between roles and between the frameworks of a role,
 * coarse-grained allocation, the allocation-count tie-break, weights and the
 * dominant-share metrics. Ported from Mesos 1.11's
 * hierarchical_allocator_tests.cpp (test names in the `it` titles).
 */
import { Resources } from '@mesos-ts/resources';
import { HierarchicalAllocator } from '../src/index';
import { FakeClock, agentInfo, seededRandom } from '../src/testing/index';
import { Harness, expected, fwInfo, r, sumFor } from './helpers';

describe('DRF between roles and frameworks', () => {
  it('offers each new agent wholly to the lowest-share role, then its lowest-share framework (UnreservedDRF)', () => {
    const h = new Harness();
    const a1 = h.agent('cpus:2;mem:1024;disk:0');
    const f1 = h.framework(['role1']);
    expect(h.events()).toEqual(expected([f1, 'role1', a1, 'cpus:2;mem:1024']));

    // role1 holds everything; the new role2 framework has share 0.
    const f2 = h.framework(['role2']);
    const a2 = h.agent('cpus:1;mem:512');
    expect(h.events()).toEqual(expected([f2, 'role2', a2, 'cpus:1;mem:512']));

    // Cluster cpus:3;mem:1536. role1 share 2/3, role2 1/3: role2 again.
    const a3 = h.agent('cpus:3;mem:2048');
    expect(h.events()).toEqual(expected([f2, 'role2', a3, 'cpus:3;mem:2048']));

    // Cluster cpus:6;mem:3584. role1 share 0.33 (cpus 2/6), role2 0.71 (mem 2560/3584).
    // Within role1, the new framework3 (share 0) goes before framework1.
    const f3 = h.framework(['role1']);
    const a4 = h.agent('cpus:4;mem:4096');
    expect(h.events()).toEqual(expected([f3, 'role1', a4, 'cpus:4;mem:4096']));

    // Cluster cpus:10;mem:7680. role1 holds cpus:6;mem:5120 (0.67), role2 cpus:4;mem:2560 (0.4).
    // An empty framework4 in role1 does not lower role1's share: role2 wins.
    h.framework(['role1']);
    const a5 = h.agent('cpus:1;mem:512');
    expect(h.events()).toEqual(expected([f2, 'role2', a5, 'cpus:1;mem:512']));
  });

  it('counts allocated reservations in role shares (ReservedDRF)', () => {
    const h = new Harness();
    const a1 = h.agent('cpus:1;mem:512;disk:0;cpus(role1):100;mem(role1):1024;disk(role1):0');
    const f1 = h.framework(['role1']);
    expect(h.events()).toEqual(expected([f1, 'role1', a1, 'cpus:1;mem:512;cpus(role1):100;mem(role1):1024']));

    const f2 = h.framework(['role2']);
    const a2 = h.agent('cpus:2;mem:512');
    expect(h.events()).toEqual(expected([f2, 'role2', a2, 'cpus:2;mem:512']));

    // role1 holds the reserved 100 cpus: its share stays far above role2's.
    const a3 = h.agent('cpus:2;mem:512');
    expect(h.events()).toEqual(expected([f2, 'role2', a3, 'cpus:2;mem:512']));

    // Reserved resources of role1 go to role1's lower-share framework.
    const f3 = h.framework(['role1']);
    const a4 = h.agent('cpus(role1):2;mem(role1):1024;disk(role1):0');
    expect(h.events()).toEqual(expected([f3, 'role1', a4, 'cpus(role1):2;mem(role1):1024']));
  });

  it('ignores fairness-excluded resource names in shares (DRFWithFairnessExclusion)', () => {
    const h = new Harness({ fairnessExcludeResourceNames: ['gpus'] });
    const a1 = h.agent('cpus:2;mem:1024;disk:0;gpus:1');
    const f1 = h.framework(['role1'], ['GPU_RESOURCES']);
    expect(h.events()).toEqual(expected([f1, 'role1', a1, 'cpus:2;mem:1024;gpus:1']));

    const f2 = h.framework(['role2']);
    const a2 = h.agent('cpus:1;mem:512');
    expect(h.events()).toEqual(expected([f2, 'role2', a2, 'cpus:1;mem:512']));

    const a3 = h.agent('cpus:3;mem:2048');
    expect(h.events()).toEqual(expected([f2, 'role2', a3, 'cpus:3;mem:2048']));

    const f3 = h.framework(['role1']);
    const a4 = h.agent('cpus:4;mem:4096');
    expect(h.events()).toEqual(expected([f3, 'role1', a4, 'cpus:4;mem:4096']));

    h.framework(['role1']);
    const a5 = h.agent('cpus:1;mem:512');
    expect(h.events()).toEqual(expected([f2, 'role2', a5, 'cpus:1;mem:512']));
  });

  it('compares roles by the shares of their whole subtrees (NestedRoleDRF)', () => {
    const h = new Harness();
    const a1 = h.agent('cpus:2;mem:1024;disk:0');
    const f1 = h.framework(['a/b']);
    expect(h.events()).toEqual(expected([f1, 'a/b', a1, 'cpus:2;mem:1024']));

    // Subtree a holds everything; the d subtree (d/e) goes before a/c.
    h.framework(['a/c']);
    const f3 = h.framework(['d/e']);
    const a2 = h.agent('cpus:1;mem:512');
    expect(h.events()).toEqual(expected([f3, 'd/e', a2, 'cpus:1;mem:512']));

    // a: 2/3, d: 1/3 -> the d subtree again, and in it d/f (share 0) before d/e.
    const f4 = h.framework(['d/f']);
    const a3 = h.agent('cpus:2;mem:1024');
    expect(h.events()).toEqual(expected([f4, 'd/f', a3, 'cpus:2;mem:1024']));
  });

  it('gives each framework a whole agent rather than splitting agents (CoarseGrained)', () => {
    const h = new Harness();
    const a1 = h.agent('cpus:2;mem:1024;disk:0');
    const a2 = h.agent('cpus:2;mem:1024;disk:0');
    const f1 = h.framework(['role1']);
    expect(h.events()).toEqual(expected([f1, 'role1', a1, 'cpus:2;mem:1024'], [f1, 'role1', a2, 'cpus:2;mem:1024']));
    h.recover(f1, a1, 'cpus:2;mem:1024', 'role1');
    h.recover(f1, a2, 'cpus:2;mem:1024', 'role1');

    const f2 = h.framework(['role2']);
    const offers = h.eventsRaw();
    // Each framework gets exactly one whole agent; which one is up to the shuffle.
    expect(offers).toHaveLength(2);
    expect(sumFor(offers, f1, 'role1').toString()).toBe(r('cpus:2;mem:1024').toString());
    expect(sumFor(offers, f2, 'role2').toString()).toBe(r('cpus:2;mem:1024').toString());
    expect(new Set(offers.map((o) => o.agentId))).toEqual(new Set([a1, a2]));
  });

  it('alternates between equal-share frameworks run after run (SameShareFairness)', () => {
    const h = new Harness();
    const f1 = h.framework(['*']);
    const f2 = h.framework(['*']);
    const agent = h.agent('cpus:2;mem:1024;disk:0');
    const counts = new Map<string, number>();
    let offers = h.eventsRaw();
    for (let i = 0; i < 10; i++) {
      expect(offers).toHaveLength(1);
      const o = offers[0]!;
      expect(o.agentId).toBe(agent);
      expect(o.resources.unallocate().toString()).toBe(r('cpus:2;mem:1024').toString());
      counts.set(o.frameworkId, (counts.get(o.frameworkId) ?? 0) + 1);
      h.a.recoverResources(o.frameworkId, agent, o.resources);
      offers = h.tickRaw();
    }
    expect(counts.get(f1)).toBe(5);
    expect(counts.get(f2)).toBe(5);
  });

  it('accounts used resources the same whichever of addFramework/addAgent comes first (NoDoubleAccounting)', () => {
    const h = new Harness();
    const res = 'cpus:1;mem:0;disk:0';
    // framework1 is added before its agent, framework2 after its agent.
    h.framework(['ROLE1'], [], { id: 'framework1', used: { agent1: r(res).allocate('ROLE1') } });
    h.agent(res, { id: 'agent1', used: { framework1: r(res).allocate('ROLE1') } });
    h.agent(res, { id: 'agent2', used: { framework2: r(res).allocate('ROLE2') } });
    h.framework(['ROLE2'], [], { id: 'framework2', used: { agent2: r(res).allocate('ROLE2') } });
    expect(h.events()).toEqual({});
    const m = h.metrics();
    expect(m['allocator/mesos/roles/ROLE1/shares/dominant']).toBeCloseTo(0.5, 9);
    expect(m['allocator/mesos/roles/ROLE2/shares/dominant']).toBeCloseTo(0.5, 9);
    expect(h.a.allocation('framework1')).toEqual(new Map([['agent1', r(res).allocate('ROLE1')]]));
  });

  it('recovers sorter state when an agent is removed without recoverResources (RemoveSlaveRecoverResources, MESOS-621)', () => {
    const h = new Harness();
    const a1 = h.agent('cpus:2;mem:200');
    const f1 = h.framework(['role']);
    expect(h.events()).toEqual(expected([f1, 'role', a1, 'cpus:2;mem:200']));
    const f2 = h.framework(['role']);
    const a2 = h.agent('cpus:1;mem:100');
    expect(h.events()).toEqual(expected([f2, 'role', a2, 'cpus:1;mem:100']));

    h.a.removeAgent(a1);
    // framework1 now holds nothing, so it has the lower share.
    const a3 = h.agent('cpus:1;mem:100');
    expect(h.events()).toEqual(expected([f1, 'role', a3, 'cpus:1;mem:100']));
  });
});

describe('weights', () => {
  it('shares agents in proportion to role weights; updateWeights triggers no run (UpdateWeight)', () => {
    const h = new Harness();
    const single = r('cpus:2;mem:1024');
    const agents: string[] = [];
    for (let i = 0; i < 6; i++) agents.push(h.agent(single));
    const total = times(single, 6);

    const f1 = h.framework(['role1']);
    // framework1 alone gets everything; give it back.
    const first = h.eventsRaw();
    expect(sumFor(first, f1).toString()).toBe(total.toString());
    const f2 = h.framework(['role2']);
    h.decline(first);

    const round = (recover: boolean): Map<string, string> => {
      const offers = h.tickRaw();
      const byFw = new Map<string, string>();
      for (const fw of new Set(offers.map((o) => o.frameworkId))) byFw.set(fw, sumFor(offers, fw).toString());
      expect(Resources.sum(offers.map((o) => o.resources.unallocate())).toString()).toBe(total.toString());
      if (recover) h.decline(offers);
      return byFw;
    };

    // Equal weights: 3 agents each.
    expect(round(true)).toEqual(new Map([
      [f1, times(single, 3).toString()],
      [f2, times(single, 3).toString()],
    ]));

    // role2 weight 2: 2 and 4 agents.
    h.a.updateWeights([['role2', 2]]);
    expect(h.a.hasPendingAllocation).toBe(false);
    expect(round(true)).toEqual(new Map([
      [f1, times(single, 2).toString()],
      [f2, times(single, 4).toString()],
    ]));

    // role3 (weight 3) joins: 1, 2 and 3 agents, in the run its framework triggers.
    h.a.updateWeights([['role3', 3]]);
    expect(h.a.hasPendingAllocation).toBe(false);
    const f3 = h.framework(['role3']);
    const offers = h.eventsRaw();
    expect(sumFor(offers, f1).toString()).toBe(times(single, 1).toString());
    expect(sumFor(offers, f2).toString()).toBe(times(single, 2).toString());
    expect(sumFor(offers, f3).toString()).toBe(times(single, 3).toString());
    expect(h.a.weight('role3')).toBe(3);
    expect(h.a.weight('role1')).toBe(1);
  });
});

describe('hierarchical roles and weights', () => {
  function split(h: Harness, agents: number): Map<string, number> {
    for (let i = 0; i < agents; i++) h.agent('cpus:1;mem:512');
    const offers = h.eventsRaw();
    const count = new Map<string, number>();
    for (const o of offers) count.set(o.role, (count.get(o.role) ?? 0) + 1);
    return count;
  }

  it('applies a weight set on a parent role to its whole subtree', () => {
    const h = new Harness();
    h.a.updateWeights([['a', 4]]);
    h.framework(['a/x']);
    h.framework(['b']);
    // Shares divided by weight: subtree a takes 4 of 5 agents.
    expect(split(h, 5)).toEqual(new Map([
      ['a/x', 4],
      ['b', 1],
    ]));
  });

  it('does not apply a parent\'s weight between its own frameworks and its sub-roles\' (virtual leaf a/. has weight 1)', () => {
    const h = new Harness();
    h.a.updateWeights([['a', 3]]);
    h.framework(['a']);
    h.framework(['a/b']);
    expect(split(h, 4)).toEqual(new Map([
      ['a', 2],
      ['a/b', 2],
    ]));
  });

  it('keeps weights of roles that are left out of an update', () => {
    const h = new Harness();
    h.a.updateWeights([['r1', 2], ['r2', 3]]);
    h.a.updateWeights([['r1', 5]]);
    expect(h.a.weight('r1')).toBe(5);
    expect(h.a.weight('r2')).toBe(3);
    expect(h.a.weight('other')).toBe(1);
    expect(() => h.a.updateWeights([['r1', 0]])).toThrow();
    expect(() => h.a.updateWeights([['r1', -1]])).toThrow();
  });
});

describe('random sorters', () => {
  it('offers to every role over time, more often to heavier roles', () => {
    const h = new Harness({ roleSorter: 'random', frameworkSorter: 'random', seed: 3 });
    h.a.updateWeights([['heavy', 3]]);
    h.framework(['light']);
    h.framework(['heavy']);
    h.agent('cpus:1;mem:512');
    const count = new Map<string, number>();
    let offers = h.eventsRaw();
    for (let i = 0; i < 400; i++) {
      expect(offers).toHaveLength(1);
      const o = offers[0]!;
      count.set(o.role, (count.get(o.role) ?? 0) + 1);
      h.decline(offers);
      offers = h.tickRaw();
    }
    // Expected 100 and 300; allow for the randomness.
    expect(count.get('light')).toBeGreaterThan(60);
    expect(count.get('heavy')).toBeGreaterThan(240);
  });

  it('ignores shares: a role holding everything may still be picked first', () => {
    const h = new Harness({ roleSorter: 'random', frameworkSorter: 'random', seed: 5 });
    const f1 = h.framework(['r1']);
    h.agent('cpus:8;mem:8192');
    h.events();
    h.framework(['r2']);
    let r1Again = 0;
    for (let i = 0; i < 50; i++) {
      const id = h.agent('cpus:1;mem:512');
      const offers = h.eventsRaw();
      if (offers[0]?.frameworkId === f1) r1Again++;
      h.decline(offers);
      h.a.removeAgent(id);
    }
    expect(r1Again).toBeGreaterThan(5);
    expect(r1Again).toBeLessThan(45);
  });
});

describe('offer callbacks', () => {
  it('calls back once per framework per run, with every role and agent it was offered', () => {
    const calls: Array<[string, string[], number]> = [];
    const a = new HierarchicalAllocator({
      clock: new FakeClock(),
      random: seededRandom(1),
      offerCallback: (fw, offers) => {
        let agents = 0;
        for (const byAgent of offers.values()) agents += byAgent.size;
        calls.push([fw, [...offers.keys()].sort(), agents]);
      },
    });
    a.addFramework('fw', fwInfo(['role1', 'role2']));
    for (let i = 0; i < 4; i++) a.addAgent(`agent${i}`, agentInfo(`agent${i}`), r('cpus:1;mem:512'));
    a.allocatePending();
    expect(calls).toEqual([['fw', ['role1', 'role2'], 4]]);
    a.allocate();
    expect(calls).toHaveLength(1);
  });
});

describe('dominant share metrics', () => {
  it('tracks each role\'s dominant share and drops it with the role\'s last framework (DominantShareMetrics)', () => {
    const h = new Harness();
    const a1 = h.agent('cpus:1;mem:1024');
    const f1 = h.framework(['roleA']);
    const offers = h.eventsRaw();
    expect(h.metrics()['allocator/mesos/roles/roleA/shares/dominant']).toBe(1);

    h.decline(offers);
    expect(h.metrics()['allocator/mesos/roles/roleA/shares/dominant']).toBe(0);

    // framework1 declined with no filter, but a fresh role with the same
    // share 0 goes first (allocation-count tie-break).
    const f2 = h.framework(['roleB']);
    expect(h.events()).toEqual(expected([f2, 'roleB', a1, 'cpus:1;mem:1024']));
    let m = h.metrics();
    expect(m['allocator/mesos/roles/roleA/shares/dominant']).toBe(0);
    expect(m['allocator/mesos/roles/roleB/shares/dominant']).toBe(1);

    const a2 = h.agent('cpus:1;mem:1024');
    expect(h.events()).toEqual(expected([f1, 'roleA', a2, 'cpus:1;mem:1024']));
    m = h.metrics();
    expect(m['allocator/mesos/roles/roleA/shares/dominant']).toBeCloseTo(0.5, 9);
    expect(m['allocator/mesos/roles/roleB/shares/dominant']).toBeCloseTo(0.5, 9);

    h.a.removeFramework(f2);
    m = h.metrics();
    expect(m['allocator/mesos/roles/roleA/shares/dominant']).toBeCloseTo(0.5, 9);
    expect(m).not.toHaveProperty(['allocator/mesos/roles/roleB/shares/dominant']);
  });

  it('leaves excluded names out of the dominant share (DominantShareMetricsWithFairnessExclusion)', () => {
    const h = new Harness({ fairnessExcludeResourceNames: ['gpus'] });
    h.agent('cpus:1;mem:1024;gpus:1');
    const f1 = h.framework(['roleA'], ['GPU_RESOURCES']);
    expect(Object.keys(h.events())).toEqual([f1]);
    expect(h.metrics()['allocator/mesos/roles/roleA/shares/dominant']).toBe(1);

    const f2 = h.framework(['roleB']);
    expect(h.events()).toEqual({});
    // roleA's 100% of gpus does not count: roleB (share 0) gets the new agent.
    const a2 = h.agent('cpus:3;mem:3072');
    expect(h.events()).toEqual(expected([f2, 'roleB', a2, 'cpus:3;mem:3072']));
    const m = h.metrics();
    expect(m['allocator/mesos/roles/roleA/shares/dominant']).toBeCloseTo(0.25, 9);
    expect(m['allocator/mesos/roles/roleB/shares/dominant']).toBeCloseTo(0.75, 9);
  });
});

function times(res: Resources, n: number): Resources {
  let out = Resources.empty();
  for (let i = 0; i < n; i++) out = out.plus(res);
  return out;
}
