/**
 * Agent and framework lifecycle: GPU agents, deactivated agents,
 * pause/resume, removing frameworks and agents, and minimum allocatable
 * resources (global and per-framework offer_filters). Ported from Mesos
 * 1.11's hierarchical_allocator_tests.cpp where it has tests, otherwise from
 * the semantics in the allocator notes §1-2.
 */
import { Harness, expected, fwInfo, r } from './helpers';

describe('GPU agents', () => {
  it('offers an agent with GPUs only to GPU_RESOURCES frameworks', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024;gpus:1');
    h.framework(['role1']);
    expect(h.events()).toEqual({});
    expect(h.tick()).toEqual({});
    const gpuFw = h.framework(['role2'], ['GPU_RESOURCES']);
    expect(h.events()).toEqual(expected([gpuFw, 'role2', agent, 'cpus:2;mem:1024;gpus:1']));
  });

  it('keeps filtering by the agent\'s total even when its GPUs are in use', () => {
    const h = new Harness();
    const gpuFw = h.framework(['role1'], ['GPU_RESOURCES']);
    h.agent('cpus:2;mem:1024;gpus:1', { used: { [gpuFw]: r('cpus:1;gpus:1').allocate('role1') } });
    h.framework(['role2']);
    // The GPU framework (role1 holds more) is the only taker of the remaining cpus:1;mem:1024.
    const offers = h.eventsRaw();
    expect(offers.map((o) => o.frameworkId)).toEqual([gpuFw]);
  });

  it('offers GPU agents to anyone when GPU filtering is off', () => {
    const h = new Harness({ filterGpuResources: false });
    const agent = h.agent('cpus:2;mem:1024;gpus:1');
    const fw = h.framework(['role1']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024;gpus:1']));
  });

  it('still offers non-GPU agents to GPU frameworks', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    const fw = h.framework(['role1'], ['GPU_RESOURCES']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));
  });
});

describe('deactivated agents', () => {
  it('offers nothing from a deactivated agent; activation asks for no run', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    h.a.deactivateAgent(agent);
    const fw = h.framework(['role1']);
    expect(h.events()).toEqual({});
    expect(h.tick()).toEqual({});
    h.a.activateAgent(agent);
    expect(h.a.hasPendingAllocation).toBe(false);
    expect(h.tick()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));
  });

  it('keeps what is allocated on a deactivated agent', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    const fw = h.framework(['role1']);
    h.events();
    h.a.deactivateAgent(agent);
    expect(h.a.allocation(fw).get(agent)?.toString()).toBe(r('cpus:2;mem:1024').allocate('role1').toString());
    h.recover(fw, agent, 'cpus:2;mem:1024', 'role1');
    expect(h.tick()).toEqual({});
    expect(h.a.available(agent).toString()).toBe(r('cpus:2;mem:1024').toString());
  });
});

describe('pause and resume', () => {
  it('makes no offers while paused and drops run requests; resumes at the next run', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    h.a.allocatePending();
    h.a.pause();
    expect(h.a.isPaused).toBe(true);
    const fw = h.framework(['role1']);
    expect(h.a.hasPendingAllocation).toBe(false);
    const stats = h.a.allocate();
    expect(stats.ran).toBe(false);
    expect(h.rec.take()).toEqual([]);
    expect(h.a.allocatePending().ran).toBe(false);

    h.a.pause(); // idempotent
    h.a.resume();
    expect(h.a.isPaused).toBe(false);
    // The trigger was dropped: only the periodic run picks the agent up.
    expect(h.events()).toEqual({});
    expect(h.tick()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));
  });

  it('does not count paused runs in allocation_runs', () => {
    const h = new Harness();
    h.agent('cpus:2;mem:1024');
    h.a.allocatePending();
    h.framework(['role']);
    h.a.allocatePending();
    expect(h.metrics()['allocator/mesos/allocation_runs']).toBe(2);
    h.a.pause();
    h.a.allocate();
    expect(h.metrics()['allocator/mesos/allocation_runs']).toBe(2);
  });
});

describe('removing frameworks and agents', () => {
  it('returns a removed framework\'s resources to the pool for others', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    const f1 = h.framework(['role1']);
    expect(h.events()).toEqual(expected([f1, 'role1', agent, 'cpus:2;mem:1024']));
    const f2 = h.framework(['role2']);
    expect(h.events()).toEqual({});
    h.a.removeFramework(f1);
    expect(h.a.allocation(f1).size).toBe(0);
    expect(h.a.roles()).toEqual(['role2']);
    expect(h.tick()).toEqual(expected([f2, 'role2', agent, 'cpus:2;mem:1024']));
  });

  it('ignores removing an unknown framework or agent', () => {
    const h = new Harness();
    expect(() => h.a.removeFramework('nope')).not.toThrow();
    expect(() => h.a.removeAgent('nope')).not.toThrow();
  });

  it('refuses to add the same framework or agent twice', () => {
    const h = new Harness();
    h.framework(['role'], [], { id: 'fw' });
    h.agent('cpus:1;mem:64', { id: 'agent' });
    expect(() => h.framework(['role'], [], { id: 'fw' })).toThrow();
    expect(() => h.agent('cpus:1;mem:64', { id: 'agent' })).toThrow();
  });

  it('drops a removed agent\'s resources from allocations and the cluster totals', () => {
    const h = new Harness();
    const a1 = h.agent('cpus:2;mem:1024');
    const fw = h.framework(['role1']);
    h.events();
    const a2 = h.agent('cpus:1;mem:512');
    h.events();
    h.a.removeAgent(a1);
    expect([...h.a.allocation(fw).keys()]).toEqual([a2]);
    const m = h.metrics();
    expect(m['allocator/mesos/resources/cpus/total']).toBe(1);
    expect(m['allocator/mesos/resources/cpus/offered_or_allocated']).toBe(1);
    expect(() => h.a.available(a1)).toThrow();
  });

  it('keeps resources of an unknown framework on an agent out of offers until that framework is added', () => {
    const h = new Harness();
    const agent = h.agent('cpus:4;mem:1024', { used: { ghost: r('cpus:2;mem:512').allocate('role1') } });
    const fw = h.framework(['role1']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:512']));
    // The ghost framework subscribes with what it uses: nothing more to offer, and it is accounted.
    h.a.addFramework('ghost', fwInfo(['role1']), new Map([[agent, r('cpus:2;mem:512').allocate('role1')]]));
    expect(h.events()).toEqual({});
    expect(h.a.allocation('ghost').get(agent)?.toString()).toBe(r('cpus:2;mem:512').allocate('role1').toString());
    expect(h.a.available(agent).isEmpty()).toBe(true);
  });
});

describe('runs', () => {
  it('runs over the given agents only', () => {
    const h = new Harness();
    const a1 = h.agent('cpus:1;mem:512');
    h.agent('cpus:1;mem:512');
    const fw = h.framework(['role1']);
    h.a.allocate([a1]);
    expect(h.rec.take().map((o) => o.agentId)).toEqual([a1]);
    void fw;
  });

  it('batches the runs many events ask for into one, over the union of their agents', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    h.a.allocatePending();
    const runs = h.a.metrics().get('allocator/mesos/allocation_runs')!;
    const agents = [h.agent('cpus:1;mem:512'), h.agent('cpus:1;mem:512'), h.agent('cpus:1;mem:512')];
    h.a.reviveOffers(fw);
    expect(h.a.hasPendingAllocation).toBe(true);
    const stats = h.a.allocatePending();
    expect(stats.ran).toBe(true);
    expect(stats.agents).toBe(3);
    expect(h.rec.take().map((o) => o.agentId).sort()).toEqual(agents);
    expect(h.a.metrics().get('allocator/mesos/allocation_runs')).toBe(runs + 1);
    expect(h.a.hasPendingAllocation).toBe(false);
  });

  it('reports what a run did', () => {
    const h = new Harness();
    h.framework(['role1']);
    h.framework(['role2']);
    h.agent('cpus:1;mem:512');
    h.agent('cpus:1;mem:512');
    const stats = h.a.allocatePending();
    expect(stats).toMatchObject({ ran: true, agents: 2, offers: 2, frameworks: 2, inverseOffers: 0 });
  });

  it('tracks resources held in a role the framework does not subscribe to until they are recovered', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    const agent = h.agent('cpus:2;mem:1024', { used: { [fw]: r('cpus:1;mem:512').allocate('old') } });
    expect(h.a.roles()).toEqual(['old', 'role1']);
    // The rest goes to role1; nothing is ever offered under 'old'.
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:1;mem:512']));
    h.recover(fw, agent, 'cpus:1;mem:512', 'old');
    expect(h.a.roles()).toEqual(['role1']);
    expect(h.tick()).toEqual(expected([fw, 'role1', agent, 'cpus:1;mem:512']));
  });
});

describe('minimum allocatable resources', () => {
  it('offers an agent only when it has the minimum cpus or mem, reserved and unreserved added up (Allocatable)', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    // Half the minimum cpus and half the minimum mem: not offered.
    h.agent('cpus:0.005;mem:16;disk:128');
    expect(h.events()).toEqual({});
    const a2 = h.agent('cpus:0.01;mem:16;disk:128');
    expect(h.events()).toEqual(expected([fw, 'role1', a2, 'cpus:0.01;mem:16;disk:128']));
    const a3 = h.agent('cpus:0.005;mem:32;disk:128');
    expect(h.events()).toEqual(expected([fw, 'role1', a3, 'cpus:0.005;mem:32;disk:128']));
    const a4text = 'cpus:0.015;mem:16;cpus(role1):0.015;mem(role1):16;disk:128';
    const a4 = h.agent(a4text);
    expect(h.events()).toEqual(expected([fw, 'role1', a4, a4text]));
  });

  it('lets a framework\'s per-role minimum override the global one, set through updateFramework (FrameworkMinAllocatable)', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    const agent = h.agent('cpus:0.005;mem:16;disk:128');
    expect(h.events()).toEqual({});
    h.a.updateFramework(fw, fwInfo(['role1'], [], { role1: [{ cpus: 0.01 / 3 }] }));
    expect(h.tick()).toEqual(expected([fw, 'role1', agent, 'cpus:0.005;mem:16;disk:128']));
  });

  it('takes an empty per-role minimum as "anything non-empty" (FrameworkEmptyMinAllocatable)', () => {
    const h = new Harness();
    const fw = h.framework(['role1'], [], { minAllocatable: { role1: [] } });
    const agent = h.agent('cpus:0.005;mem:16;disk:128');
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:0.005;mem:16;disk:128']));
  });

  it('uses the global minimum for roles the framework set none for', () => {
    const h = new Harness();
    const fw = h.framework(['role1', 'role2'], [], { minAllocatable: { role1: [{ disk: 1 }] } });
    const agent = h.agent('cpus:0.005;mem:16;disk:128');
    // Only role1 accepts it.
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:0.005;mem:16;disk:128']));
  });

  it('accepts any non-empty offer when the global minimum is an empty list', () => {
    const h = new Harness({ minAllocatableResources: [] });
    const fw = h.framework(['role1']);
    const agent = h.agent('disk:1');
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'disk:1']));
  });

  it('applies a custom global minimum', () => {
    const h = new Harness({ minAllocatableResources: [r('cpus:1').quantities()] });
    const fw = h.framework(['role1']);
    h.agent('cpus:0.5;mem:4096');
    expect(h.events()).toEqual({});
    const a2 = h.agent('cpus:1;mem:1');
    expect(h.events()).toEqual(expected([fw, 'role1', a2, 'cpus:1;mem:1']));
  });
});
