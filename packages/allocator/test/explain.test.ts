/**
 * `explain()`: why a framework is or is not getting offers. One test per
 * reason kind that can be triggered, plus the summary sentences.
 */
import type { ExplanationReason } from '../src/index';
import { Harness, quota, r, revocable } from './helpers';

function kinds(reasons: readonly ExplanationReason[]): string[] {
  return reasons.map((x) => x.kind);
}

function find<K extends ExplanationReason['kind']>(reasons: readonly ExplanationReason[], kind: K): Extract<ExplanationReason, { kind: K }> {
  const found = reasons.find((x) => x.kind === kind);
  if (!found) throw new Error(`no ${kind} in [${kinds(reasons).join(', ')}]`);
  return found as Extract<ExplanationReason, { kind: K }>;
}

describe('explain', () => {
  it('says the framework is unknown', () => {
    const h = new Harness();
    const e = h.a.explain('nope');
    expect(e.frameworkId).toBe('nope');
    expect(kinds(e.reasons)).toEqual(['UNKNOWN_FRAMEWORK']);
    expect(e.summary).toHaveLength(1);
  });

  it('says there are no agents', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    expect(kinds(h.a.explain(fw).reasons)).toEqual(['NO_AGENTS']);
  });

  it('says what an agent with free resources offers, and only the requested role', () => {
    const h = new Harness();
    const fw = h.framework(['role1', 'role2']);
    h.agent('cpus:1;mem:512');
    const e = h.a.explain(fw);
    expect(e.reasons).toEqual([
      { kind: 'OFFERABLE', role: 'role1', agents: 1 },
      { kind: 'OFFERABLE', role: 'role2', agents: 1 },
    ]);
    expect(e.summary).toHaveLength(2);
    expect(h.a.explain(fw, 'role2').reasons).toEqual([{ kind: 'OFFERABLE', role: 'role2', agents: 1 }]);
  });

  it('says the framework is not subscribed to a role', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    h.agent('cpus:1;mem:512');
    expect(h.a.explain(fw, 'other').reasons).toEqual([{ kind: 'NOT_SUBSCRIBED', role: 'other' }]);
  });

  it('says the framework is inactive', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    h.agent('cpus:1;mem:512');
    h.a.deactivateFramework(fw);
    expect(kinds(h.a.explain(fw).reasons)).toContain('FRAMEWORK_INACTIVE');
  });

  it('says allocation is paused', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    h.agent('cpus:1;mem:512');
    h.a.pause();
    expect(kinds(h.a.explain(fw).reasons)).toContain('PAUSED');
    h.a.resume();
    expect(kinds(h.a.explain(fw).reasons)).not.toContain('PAUSED');
  });

  it('says a role is suppressed', () => {
    const h = new Harness();
    const fw = h.framework(['role1', 'role2']);
    h.agent('cpus:1;mem:512');
    h.a.suppressOffers(fw, ['role1']);
    expect(h.a.explain(fw).reasons).toEqual([
      { kind: 'SUPPRESSED', role: 'role1' },
      { kind: 'OFFERABLE', role: 'role2', agents: 1 },
    ]);
  });

  it('says resources were declined with a filter, until when', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    const agent = h.agent('cpus:1;mem:512');
    h.events();
    h.recover(fw, agent, 'cpus:1;mem:512', 'role1', 10);
    const filtered = find(h.a.explain(fw).reasons, 'FILTERED');
    expect(filtered).toEqual({ kind: 'FILTERED', role: 'role1', agents: 1, until: 10_000 });
    expect(h.a.explain(fw).summary.join(' ')).toMatch(/t=10000 ms/);
    // Past the expiry the agent is offerable again.
    h.clock.advance(10_001);
    expect(kinds(h.a.explain(fw).reasons)).toEqual(['OFFERABLE']);
  });

  it('says everything is allocated elsewhere', () => {
    const h = new Harness();
    h.agent('cpus:1;mem:512');
    h.framework(['role1']);
    h.events();
    const f2 = h.framework(['role2']);
    expect(h.a.explain(f2).reasons).toEqual([{ kind: 'ALLOCATED_ELSEWHERE', role: 'role2', agents: 1 }]);
  });

  it('says the role reached its quota limit', () => {
    const h = new Harness();
    h.a.updateQuota('role1', quota('', 'cpus:1'));
    const fw = h.framework(['role1']);
    h.agent('cpus:1;mem:512');
    h.agent('cpus:1;mem:512');
    h.events();
    const reason = find(h.a.explain(fw).reasons, 'QUOTA_LIMIT_REACHED');
    expect(reason.role).toBe('role1');
    expect(reason.limits.get('cpus')).toBe(1);
    expect(reason.consumed.get('cpus')).toBe(1);
  });

  it('says unreserved resources are held back as headroom for another role\'s guarantee', () => {
    const h = new Harness();
    h.a.updateQuota('quota-role', quota('cpus:2;mem:1024'));
    const fw = h.framework(['other']);
    h.agent('cpus:2;mem:1024');
    expect(h.events()).toEqual({});
    expect(find(h.a.explain(fw).reasons, 'HELD_FOR_QUOTA_HEADROOM')).toEqual({ kind: 'HELD_FOR_QUOTA_HEADROOM', role: 'other', agents: 1 });
  });

  it('says what is left is below the minimum allocatable resources', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    h.agent('cpus:0.005;mem:16');
    expect(h.a.explain(fw).reasons).toEqual([{ kind: 'BELOW_MIN_ALLOCATABLE', role: 'role1', agents: 1 }]);
  });

  it('says GPU agents need GPU_RESOURCES', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    h.agent('cpus:1;mem:512;gpus:1');
    h.agent('cpus:1;mem:512');
    const e = h.a.explain(fw);
    expect(find(e.reasons, 'LACKS_GPU_CAPABILITY').agents).toBe(1);
    expect(find(e.reasons, 'OFFERABLE').agents).toBe(1);
  });

  it('says what is left needs a capability the framework lacks (revocable)', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    h.agent(revocable('cpus:2;mem:1024'));
    expect(find(h.a.explain(fw).reasons, 'LACKS_CAPABILITY')).toMatchObject({ role: 'role1', agents: 1 });
    expect(h.events()).toEqual({});
  });

  it('says an agent lacks MULTI_ROLE or HIERARCHICAL_ROLE', () => {
    const h = new Harness();
    const f1 = h.framework(['role1']);
    h.agent('cpus:1;mem:512', { capabilities: { multiRole: false } });
    expect(find(h.a.explain(f1).reasons, 'AGENT_LACKS_CAPABILITY')).toEqual({ kind: 'AGENT_LACKS_CAPABILITY', role: 'role1', capability: 'MULTI_ROLE', agents: 1 });
    const h2 = new Harness();
    const g = h2.framework(['a/b']);
    h2.agent('cpus:1;mem:512', { capabilities: { hierarchicalRole: false } });
    expect(find(h2.a.explain(g).reasons, 'AGENT_LACKS_CAPABILITY')).toEqual({ kind: 'AGENT_LACKS_CAPABILITY', role: 'a/b', capability: 'HIERARCHICAL_ROLE', agents: 1 });
  });

  it('says agents are deactivated', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    const agent = h.agent('cpus:1;mem:512');
    h.a.deactivateAgent(agent);
    expect(find(h.a.explain(fw).reasons, 'AGENTS_DEACTIVATED').agents).toBe(1);
  });

  // explain() must apply the headroom the way a run does: here two agents can
  // cover the guarantee of cpus:2;mem:1024 only once, so the run offers one
  // agent and keeps the other, and explain() must not call the kept one
  // offerable.
  it('does not call an agent held back for headroom offerable', () => {
    const h = new Harness();
    h.a.updateQuota('quota-role', quota('cpus:2;mem:1024'));
    const fw = h.framework(['other']);
    h.agent('cpus:2;mem:1024');
    h.agent('cpus:2;mem:1024');
    expect(h.eventsRaw()).toHaveLength(1);
    expect(h.tick()).toEqual({});
    const e = h.a.explain(fw);
    expect(kinds(e.reasons)).not.toContain('OFFERABLE');
    expect(find(e.reasons, 'HELD_FOR_QUOTA_HEADROOM').agents).toBe(1);
  });

  // Likewise with a limit: the role is at its cpus limit and the agent has only
  // cpus left, so no run will offer it, but explain() calls it offerable.
  it('does not call an agent offerable when all that is left on it is over the role\'s limit', () => {
    const h = new Harness();
    h.a.updateQuota('q', quota('', 'cpus:1'));
    const fw = h.framework(['q']);
    h.agent('cpus:1;mem:512');
    h.agent('cpus:1;mem:512');
    h.events();
    expect(h.tick()).toEqual({});
    const e = h.a.explain(fw);
    expect(kinds(e.reasons)).toContain('QUOTA_LIMIT_REACHED');
    expect(kinds(e.reasons)).not.toContain('OFFERABLE');
  });

  it('agrees with the next run: what it calls offerable is offered', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    const agent = h.agent('cpus:1;mem:512');
    expect(kinds(h.a.explain(fw).reasons)).toEqual(['OFFERABLE']);
    const offers = h.eventsRaw();
    expect(offers.map((o) => [o.frameworkId, o.agentId])).toEqual([[fw, agent]]);
    expect(offers[0]!.resources.unallocate().toString()).toBe(r('cpus:1;mem:512').toString());
  });
});
