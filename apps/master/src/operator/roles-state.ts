/**
 * What the operator has configured per role: weights (`--weights`, UPDATE_WEIGHTS, `PUT /weights`) and quotas
 * (UPDATE_QUOTA, SET_QUOTA, `POST /quota`), as Mesos's `Master::weights` and `Master::quotas`. The allocator
 * enforces both; this keeps the configured values so GET_WEIGHTS, GET_QUOTA, GET_ROLES and `/roles` can answer
 * them as given (the allocator keeps only what it needs to sort).
 *
 * In memory only: there is no registry yet, so a restarted master forgets them (Mesos keeps them in its registry).
 */
import { DEFAULT_QUOTA, type Quota } from '@mesos-ts/allocator';
import { ResourceQuantities, roleAncestors, type Resources } from '@mesos-ts/resources';
import type { MasterCore } from '../core';

/** Mesos's `DEFAULT_WEIGHT`. */
export const DEFAULT_WEIGHT = 1;

/** The operator's per-role configuration of one master. */
export interface RolesState {
  /** Role -> weight, only roles given one (by flag or call). */
  readonly weights: Map<string, number>;
  /** Role -> quota, only roles with a non-default quota. */
  readonly quotas: Map<string, Quota>;
}

const states = new WeakMap<MasterCore, RolesState>();

/** The configuration of `core`, made on first use (weights seeded from `--weights`). */
export function rolesState(core: MasterCore): RolesState {
  let state = states.get(core);
  if (state === undefined) {
    state = { weights: new Map(core.flags.weights?.value ?? []), quotas: new Map() };
    states.set(core, state);
  }
  return state;
}

/** Sets role weights in the record and the allocator. The caller has validated them. */
export function setWeights(core: MasterCore, weights: readonly (readonly [string, number])[]): void {
  const state = rolesState(core);
  for (const [role, weight] of weights) state.weights.set(role, weight);
  core.guard('updateWeights', () => core.allocator.updateWeights(weights));
}

/** Sets (or, with an empty quota, clears) a role's quota in the record and the allocator. */
export function setQuota(core: MasterCore, role: string, quota: Quota): void {
  const state = rolesState(core);
  if (quota.guarantees.isEmpty() && quota.limits.isEmpty()) state.quotas.delete(role);
  else state.quotas.set(role, quota);
  core.guard('updateQuota', () => core.allocator.updateQuota(role, quota.guarantees.isEmpty() && quota.limits.isEmpty() ? DEFAULT_QUOTA : quota));
}

/** The weight of a role (1 unless configured). */
export function weightOf(core: MasterCore, role: string): number {
  return rolesState(core).weights.get(role) ?? DEFAULT_WEIGHT;
}

/** The quota of a role (the default, no guarantees and no limits, unless configured). */
export function quotaOf(core: MasterCore, role: string): Quota {
  return rolesState(core).quotas.get(role) ?? DEFAULT_QUOTA;
}

/**
 * The roles Mesos's `Master::knownRoles` lists, sorted: with a `--roles` whitelist, the whitelist; otherwise the
 * roles frameworks are subscribed to or have tasks in, reservation roles of registered agents, roles with a
 * weight or a quota; each with its ancestors.
 */
export function knownRoles(core: MasterCore): string[] {
  const out = new Set<string>();
  const add = (role: string): void => {
    if (out.has(role)) return;
    out.add(role);
    for (const ancestor of roleAncestors(role)) {
      if (out.has(ancestor)) break;
      out.add(ancestor);
    }
  };
  const whitelist = core.flags.roles?.value;
  if (whitelist !== undefined) {
    for (const role of whitelist) add(role);
    return [...out].sort();
  }
  for (const role of frameworksByRole(core).keys()) add(role);
  for (const agent of core.agents.values()) for (const role of agent.total.reservedByRole().keys()) add(role);
  const state = rolesState(core);
  for (const role of state.weights.keys()) add(role);
  for (const role of state.quotas.keys()) add(role);
  return [...out].sort();
}

/**
 * Role -> IDs of the registered frameworks in it (Mesos's `Role::frameworks`): the roles a framework is
 * subscribed to, plus those its live tasks are allocated to.
 */
export function frameworksByRole(core: MasterCore): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (role: string, id: string): void => {
    const list = out.get(role);
    if (list === undefined) out.set(role, [id]);
    else if (!list.includes(id)) list.push(id);
  };
  for (const framework of core.frameworks.values()) {
    for (const role of framework.roles) add(role, framework.id);
    for (const task of framework.tasks.values()) for (const role of task.resources.allocations().keys()) add(role, framework.id);
  }
  return out;
}

/** Mesos's `RoleResourceBreakdown`: what a role's subtree is allocated, offered, reserved and consumes of quota. */
export interface RoleBreakdown {
  readonly allocated: ResourceQuantities;
  readonly offered: ResourceQuantities;
  readonly reserved: ResourceQuantities;
  readonly consumedQuota: ResourceQuantities;
}

/**
 * Computes {@link RoleBreakdown} for `role` from the master's offers and agents; `usedByAgent` is what tasks and
 * executors use on each agent (allocated), computed once by the caller for all roles.
 */
export function roleBreakdown(core: MasterCore, role: string, usedByAgent: ReadonlyMap<string, Resources>): RoleBreakdown {
  let allocated = ResourceQuantities.EMPTY;
  let offered = ResourceQuantities.EMPTY;
  for (const resources of usedByAgent.values()) allocated = allocated.plus(resources.allocatedToRoleSubtree(role).quantities());
  for (const offer of core.offers.all()) {
    if (!core.frameworks.has(offer.frameworkId)) continue;
    offered = offered.plus(offer.resources.allocatedToRoleSubtree(role).quantities());
  }
  let reserved = ResourceQuantities.EMPTY;
  let unallocatedReservation = ResourceQuantities.EMPTY;
  for (const agent of core.agents.values()) {
    const total = agent.total.reservedToRoleSubtree(role).quantities();
    reserved = reserved.plus(total);
    const used = usedByAgent.get(agent.id)?.reservedToRoleSubtree(role).quantities() ?? ResourceQuantities.EMPTY;
    unallocatedReservation = unallocatedReservation.plus(total.minus(used));
  }
  return { allocated, offered, reserved, consumedQuota: allocated.plus(unallocatedReservation) };
}
