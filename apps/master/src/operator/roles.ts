/**
 * Roles and weights, as Mesos 1.11's master answers them: GET_ROLES and `/roles` (readonly_handler.cpp
 * `getRoles`, `roles`), GET_WEIGHTS, UPDATE_WEIGHTS and `/weights` (weights_handler.cpp).
 */
import { Value_Type, type Resource, type Role, type WeightInfo } from '@mesos-ts/proto';
import type { ResourceLimits, ResourceQuantities, Resources } from '@mesos-ts/resources';
import type { MasterCore } from '../core';
import { agentUsed } from '../state';
import { isWhitelistedRole, roleProblem } from './quota';
import { frameworksByRole, knownRoles, quotaOf, roleBreakdown, rolesState, setWeights, weightOf } from './roles-state';

/** The outcome of a weights update: 200, or 400 with Mesos's message. */
export type WeightsOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string };

/**
 * Mesos's `WeightsHandler::_updateWeights`: each role (trimmed) must be valid and allowed and each weight
 * positive; then all weights are set at once. Offers are rescinded when a changed role has frameworks, so
 * the new shares apply from the next allocation.
 */
export function updateWeights(core: MasterCore, infos: readonly WeightInfo[]): WeightsOutcome {
  const validated: [string, number][] = [];
  for (const info of infos) {
    const role = (info.role ?? '').trim();
    const invalid = roleProblem(role);
    if (invalid !== undefined) return { ok: false, message: `Failed to validate update weights request JSON: Invalid role '${role}': ${invalid}` };
    if (!isWhitelistedRole(core, role)) return { ok: false, message: `Failed to validate update weights request JSON: Unknown role '${role}'` };
    const weight = info.weight ?? 0;
    if (!(weight > 0) || !Number.isFinite(weight)) {
      return { ok: false, message: `Failed to validate update weights request JSON for role '${role}': Invalid weight '${weight}': Weights must be positive` };
    }
    validated.push([role, weight]);
  }
  setWeights(core, validated);
  core.log.info({ weights: Object.fromEntries(validated) }, 'Updated role weights');
  const withFrameworks = frameworksByRole(core);
  if (validated.some(([role]) => withFrameworks.has(role))) core.rescind(core.offers.rescindWhere(() => true));
  return { ok: true };
}

/** GET_WEIGHTS / `GET /weights`: every configured weight. */
export function weightInfos(core: MasterCore): WeightInfo[] {
  return [...rolesState(core).weights].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([role, weight]) => ({ role, weight }));
}

function usedByAgent(core: MasterCore): Map<string, Resources> {
  return new Map([...core.agents.values()].map((a) => [a.id, agentUsed(a)] as const));
}

const ROLE_RESOURCE_NAMES = new Set(['cpus', 'mem', 'disk', 'gpus']);

/** GET_ROLES: known roles with weight, frameworks and the cpus/mem/disk/gpus allocated or offered to them. */
export function getRoles(core: MasterCore): Role[] {
  const used = usedByAgent(core);
  const frameworks = frameworksByRole(core);
  return knownRoles(core).map((name) => {
    const breakdown = roleBreakdown(core, name, used);
    const resources: Resource[] = [];
    for (const [resource, value] of breakdown.allocated.plus(breakdown.offered)) {
      if (ROLE_RESOURCE_NAMES.has(resource)) resources.push({ name: resource, type: Value_Type.SCALAR, scalar: { value } });
    }
    return { name, weight: weightOf(core, name), frameworks: (frameworks.get(name) ?? []).map((value) => ({ value })), resources };
  });
}

function quantitiesJson(q: ResourceQuantities | ResourceLimits): Record<string, number> {
  return Object.fromEntries(q);
}

/** The `/roles` body, in Mesos's shape (with quota, allocated, offered and reserved per role). */
export function rolesJson(core: MasterCore): { roles: Record<string, unknown>[] } {
  const used = usedByAgent(core);
  const frameworks = frameworksByRole(core);
  return {
    roles: knownRoles(core).map((name) => {
      const breakdown = roleBreakdown(core, name, used);
      const quota = quotaOf(core, name);
      return {
        name,
        weight: weightOf(core, name),
        quota: { role: name, guarantee: quantitiesJson(quota.guarantees), limit: quantitiesJson(quota.limits), consumed: quantitiesJson(breakdown.consumedQuota) },
        resources: quantitiesJson(breakdown.allocated.plus(breakdown.offered)),
        allocated: quantitiesJson(breakdown.allocated),
        offered: quantitiesJson(breakdown.offered),
        reserved: quantitiesJson(breakdown.reserved),
        frameworks: frameworks.get(name) ?? [],
      };
    }),
  };
}
