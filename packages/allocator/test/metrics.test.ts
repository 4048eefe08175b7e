/**
 * The metrics the allocator exports under Mesos's names. Ported from Mesos
 * 1.11's hierarchical_allocator_tests.cpp (the run-timer and latency metrics
 * belong to the driver, which measures wall time, and are not covered here).
 */
import { DEFAULT_QUOTA } from '../src/index';
import { Harness, quota, r } from './helpers';

const TOTAL = (name: string) => `allocator/mesos/resources/${name}/total`;
const OFFERED = (name: string) => `allocator/mesos/resources/${name}/offered_or_allocated`;

describe('metrics', () => {
  it('reports cluster totals and what is offered or allocated (ResourceMetrics)', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024;disk:0');
    h.events();
    expect(h.metrics()).toMatchObject({
      [TOTAL('cpus')]: 2,
      [TOTAL('mem')]: 1024,
      [TOTAL('disk')]: 0,
      [OFFERED('cpus')]: 0,
      [OFFERED('mem')]: 0,
      [OFFERED('disk')]: 0,
    });

    h.framework(['role1']);
    h.events();
    expect(h.metrics()).toMatchObject({
      [TOTAL('cpus')]: 2,
      [TOTAL('mem')]: 1024,
      [TOTAL('disk')]: 0,
      [OFFERED('cpus')]: 2,
      [OFFERED('mem')]: 1024,
      [OFFERED('disk')]: 0,
    });

    h.a.removeAgent(agent);
    expect(h.metrics()).toMatchObject({
      [TOTAL('cpus')]: 0,
      [TOTAL('mem')]: 0,
      [TOTAL('disk')]: 0,
      [OFFERED('cpus')]: 0,
      [OFFERED('mem')]: 0,
      [OFFERED('disk')]: 0,
    });
  });

  it('reads zero before anything is added (ResourceMetricsUninitialized)', () => {
    const h = new Harness();
    expect(h.metrics()).toMatchObject({
      [TOTAL('cpus')]: 0,
      [TOTAL('mem')]: 0,
      [TOTAL('disk')]: 0,
      [OFFERED('cpus')]: 0,
      [OFFERED('mem')]: 0,
      [OFFERED('disk')]: 0,
      'allocator/mesos/allocation_runs': 0,
    });
  });

  it('exposes guarantee and limit gauges only for names that are set (QuotaMetrics)', () => {
    const h = new Harness();
    const key = (name: string, kind: string) => `allocator/mesos/quota/roles/role/resources/${name}/${kind}`;
    const absent = (m: Record<string, number>, k: string) => expect(m).not.toHaveProperty([k]);
    let m = h.metrics();
    for (const k of [key('cpus', 'guarantee'), key('cpus', 'limit'), key('mem', 'guarantee'), key('mem', 'limit')]) absent(m, k);

    h.a.updateQuota('role', quota('cpus:1', 'mem:1024'));
    m = h.metrics();
    expect(m[key('cpus', 'guarantee')]).toBe(1);
    absent(m, key('cpus', 'limit'));
    absent(m, key('mem', 'guarantee'));
    expect(m[key('mem', 'limit')]).toBe(1024);

    h.a.updateQuota('role', quota('cpus:2', 'mem:1024'));
    expect(h.metrics()[key('cpus', 'guarantee')]).toBe(2);

    h.a.updateQuota('role', quota('', ''));
    m = h.metrics();
    for (const k of [key('cpus', 'guarantee'), key('cpus', 'limit'), key('mem', 'guarantee'), key('mem', 'limit')]) absent(m, k);
    expect(h.a.quota('role')).toEqual(DEFAULT_QUOTA);
  });

  it('keeps an explicit zero limit', () => {
    const h = new Harness();
    h.a.updateQuota('role', quota('', 'cpus:0'));
    expect(h.metrics()['allocator/mesos/quota/roles/role/resources/cpus/limit']).toBe(0);
  });

  it('counts the runs that events trigger (AllocationRunsMetric)', () => {
    const h = new Harness();
    expect(h.metrics()['allocator/mesos/allocation_runs']).toBe(0);
    h.agent('cpus:2;mem:1024;disk:0');
    h.events();
    h.framework(['role']);
    h.events();
    expect(h.metrics()['allocator/mesos/allocation_runs']).toBe(2);
  });

  it('measures quota consumption as offered or allocated unreserved resources plus reservations, sub-roles included', () => {
    // This is the quantity quota is enforced against (Mesos's
    // quotaOfferedOrConsumed); a limit keeps the headroom rule out of it.
    const h = new Harness();
    h.a.updateQuota('a', quota('', 'cpus:10'));
    h.agent('cpus(a/b):1;mem(a/b):100');
    h.framework(['a/c']);
    h.agent('cpus:2;mem:200');
    h.events();
    expect(h.a.quotaConsumed('a').toString()).toBe('cpus:3; mem:300');
  });

  // Mesos publishes, for each role with a non-default quota, what the role
  // has offered or allocated for every name in its guarantees or limits
  // (DRFWithQuota checks cpus 0.25 and mem 128, and no disk gauge; RemoveQuota
  // checks the gauges go away with the quota).
  it('publishes offered_or_allocated per quota role and name (DRFWithQuota, RemoveQuota)', () => {
    const h = new Harness();
    h.a.updateQuota('quota-role', quota('cpus:0.25;mem:128'));
    const f1 = h.framework(['quota-role']);
    h.framework(['no-quota-role']);
    h.agent('cpus:1;mem:512;disk:0', { used: { [f1]: r('cpus:0.25;mem:128').allocate('quota-role') } });
    h.events();
    const key = (name: string) => `allocator/mesos/quota/roles/quota-role/resources/${name}/offered_or_allocated`;
    let m = h.metrics();
    expect(m[key('cpus')]).toBe(0.25);
    expect(m[key('mem')]).toBe(128);
    expect(m).not.toHaveProperty([key('disk')]);
    h.a.updateQuota('quota-role', DEFAULT_QUOTA);
    m = h.metrics();
    expect(m).not.toHaveProperty([key('cpus')]);
    expect(m).not.toHaveProperty([key('mem')]);
  });
});
