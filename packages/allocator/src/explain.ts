/**
 * `explain()`: why a framework is or is not getting offers right now. Offer
 * starvation with no answer is the most common complaint of Mesos users; this
 * walks the same decisions an allocation run makes, for one framework, and
 * reports each obstacle with how many agents it affects.
 */
import type { HierarchicalAllocator } from './hierarchical';
import { availableHeadroom, requiredHeadroom } from './internal/cycle';
import { isAllocatable, splitForQuota, stripIncapable } from './internal/state';

/** Quota chopping shuffles resources; for an explanation any fixed order will do. */
const middle = (): number => 0.5;
import type { Explanation, ExplanationReason } from './types';

function describe(r: ExplanationReason): string {
  switch (r.kind) {
    case 'UNKNOWN_FRAMEWORK':
      return 'The allocator does not know this framework.';
    case 'FRAMEWORK_INACTIVE':
      return 'The framework is inactive (disconnected or failing over); it gets no offers until it is activated.';
    case 'NOT_SUBSCRIBED':
      return `The framework is not subscribed to role '${r.role}'.`;
    case 'PAUSED':
      return 'Allocation is paused (e.g. the master is recovering); no offers are made to anyone.';
    case 'SUPPRESSED':
      return `Offers for role '${r.role}' are suppressed by the framework; it must REVIVE to get them.`;
    case 'NO_AGENTS':
      return 'There are no agents.';
    case 'FILTERED':
      return `Role '${r.role}': the framework declined (or accepted with filters) the resources of ${r.agents} agent(s); they are filtered until ${Number.isFinite(r.until) ? `t=${r.until} ms` : 'further notice'} (REVIVE clears filters).`;
    case 'QUOTA_LIMIT_REACHED':
      return `Role '${r.role}' has reached its quota limit (${r.limits.toString()}; consumed ${r.consumed.toString()}).`;
    case 'HELD_FOR_QUOTA_HEADROOM':
      return `Role '${r.role}': unreserved resources on ${r.agents} agent(s) are held back as headroom for other roles' unsatisfied quota guarantees.`;
    case 'BELOW_MIN_ALLOCATABLE':
      return `Role '${r.role}': what is left on ${r.agents} agent(s) is below the minimum allocatable resources.`;
    case 'LACKS_GPU_CAPABILITY':
      return `${r.agents} agent(s) have GPUs and are only offered to frameworks with the GPU_RESOURCES capability.`;
    case 'LACKS_CAPABILITY':
      return `Role '${r.role}': what is left on ${r.agents} agent(s) needs the ${r.capability} capability, which the framework lacks.`;
    case 'AGENT_LACKS_CAPABILITY':
      return `Role '${r.role}': ${r.agents} agent(s) lack the ${r.capability} capability needed to offer to this framework.`;
    case 'AGENTS_DEACTIVATED':
      return `${r.agents} agent(s) are deactivated (draining or unreachable) and offered to no one.`;
    case 'ALLOCATED_ELSEWHERE':
      return `Role '${r.role}': everything allocatable to the role on ${r.agents} agent(s) is offered or allocated (to this or other frameworks).`;
    case 'OFFERABLE':
      return `Role '${r.role}': ${r.agents} agent(s) have resources this framework can be offered; it gets them when its turn comes (roles and frameworks with lower shares go first).`;
  }
}

function explanation(frameworkId: string, reasons: ExplanationReason[]): Explanation {
  return { frameworkId, reasons, summary: reasons.map(describe) };
}

export function explainFramework(a: HierarchicalAllocator, frameworkId: string, onlyRole?: string): Explanation {
  const reasons: ExplanationReason[] = [];
  const fw = a.frameworks.get(frameworkId);
  if (!fw) return explanation(frameworkId, [{ kind: 'UNKNOWN_FRAMEWORK' }]);
  if (a.isPaused) reasons.push({ kind: 'PAUSED' });
  if (!fw.active) reasons.push({ kind: 'FRAMEWORK_INACTIVE' });
  if (a.agents.size === 0) {
    reasons.push({ kind: 'NO_AGENTS' });
    return explanation(frameworkId, reasons);
  }
  const now = a.options.clock.now();
  let deactivated = 0;
  let gpu = 0;
  for (const agent of a.agents.values()) {
    if (!agent.activated) deactivated++;
    else if (a.options.filterGpuResources && agent.hasGpus && !fw.caps.gpu) gpu++;
  }
  if (deactivated > 0) reasons.push({ kind: 'AGENTS_DEACTIVATED', agents: deactivated });
  if (gpu > 0) reasons.push({ kind: 'LACKS_GPU_CAPABILITY', agents: gpu });

  // Headroom held for unmet guarantees, as the next run would start with it.
  const required = requiredHeadroom(a);
  const spare = required.isEmpty() ? undefined : availableHeadroom(a).minus(required);

  const roles = onlyRole !== undefined ? [onlyRole] : [...fw.roles].sort();
  for (const role of roles) {
    if (!fw.roles.has(role)) {
      reasons.push({ kind: 'NOT_SUBSCRIBED', role });
      continue;
    }
    if (fw.suppressed.has(role)) {
      reasons.push({ kind: 'SUPPRESSED', role });
      continue;
    }
    const quota = a.roleTree.quota(role);
    const consumed = a.roleTree.consumed(role);
    const remaining = quota.limits.isEmpty() ? undefined : quota.limits.minus(consumed);
    const ownGuaranteeUnmet = !quota.guarantees.minus(consumed).isEmpty();
    let limited = 0;
    const minimums = fw.minAllocatable.get(role) ?? a.options.minAllocatableResources;
    let elsewhere = 0;
    let belowMin = 0;
    let lacksCap = 0;
    let agentLacksMultiRole = 0;
    let agentLacksHierarchy = 0;
    let filtered = 0;
    let filteredUntil = 0;
    let offerable = 0;
    let heldBack = 0;
    for (const agent of a.agents.values()) {
      if (!agent.activated || (a.options.filterGpuResources && agent.hasGpus && !fw.caps.gpu)) continue;
      const available = agent.available.allocatableTo(role);
      if (available.isEmpty()) {
        elsewhere++;
        continue;
      }
      if (!isAllocatable(available, minimums)) {
        belowMin++;
        continue;
      }
      const stripped = stripIncapable(available, fw.caps);
      if (!isAllocatable(stripped, minimums)) {
        lacksCap++;
        continue;
      }
      if (fw.caps.multiRole && !agent.caps.multiRole) {
        agentLacksMultiRole++;
        continue;
      }
      if (role.includes('/') && !agent.caps.hierarchicalRole) {
        agentLacksHierarchy++;
        continue;
      }
      const covering = (fw.offerFilters.get(role)?.get(agent.id) ?? []).filter((f) => now <= f.activeThrough && f.resources.contains(stripped));
      if (covering.length > 0) {
        filtered++;
        filteredUntil = Math.max(filteredUntil, ...covering.map((f) => f.expiresAt));
        continue;
      }
      // What stage 2 would offer: the unreserved part cut to the limit and to the spare headroom.
      const { whole, quotaPart } = splitForQuota(stripped);
      const underLimit = remaining ? quotaPart.shrink(remaining, middle) : quotaPart;
      if (!isAllocatable(whole.plus(underLimit), minimums)) {
        limited++;
        continue;
      }
      // A role with unmet guarantees of its own is served in stage 1, before headroom applies.
      const withinHeadroom = spare && !ownGuaranteeUnmet ? underLimit.shrink(spare, middle) : underLimit;
      if (!isAllocatable(whole.plus(withinHeadroom), minimums)) {
        heldBack++;
        continue;
      }
      offerable++;
    }
    if (limited > 0) reasons.push({ kind: 'QUOTA_LIMIT_REACHED', role, limits: quota.limits, consumed });
    if (filtered > 0) reasons.push({ kind: 'FILTERED', role, agents: filtered, until: filteredUntil });
    if (belowMin > 0) reasons.push({ kind: 'BELOW_MIN_ALLOCATABLE', role, agents: belowMin });
    if (lacksCap > 0) reasons.push({ kind: 'LACKS_CAPABILITY', role, capability: 'REVOCABLE_RESOURCES, SHARED_RESOURCES or RESERVATION_REFINEMENT', agents: lacksCap });
    if (agentLacksMultiRole > 0) reasons.push({ kind: 'AGENT_LACKS_CAPABILITY', role, capability: 'MULTI_ROLE', agents: agentLacksMultiRole });
    if (agentLacksHierarchy > 0) reasons.push({ kind: 'AGENT_LACKS_CAPABILITY', role, capability: 'HIERARCHICAL_ROLE', agents: agentLacksHierarchy });
    if (elsewhere > 0) reasons.push({ kind: 'ALLOCATED_ELSEWHERE', role, agents: elsewhere });
    if (heldBack > 0) reasons.push({ kind: 'HELD_FOR_QUOTA_HEADROOM', role, agents: heldBack });
    if (offerable > 0) reasons.push({ kind: 'OFFERABLE', role, agents: offerable });
  }
  return explanation(frameworkId, reasons);
}
