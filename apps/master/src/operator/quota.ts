/**
 * Quota, as Mesos 1.11's `Master::QuotaHandler` (src/master/quota_handler.cpp, src/master/quota.cpp): GET_QUOTA,
 * UPDATE_QUOTA (QuotaConfig with guarantees and limits), and the deprecated SET_QUOTA / REMOVE_QUOTA (QuotaRequest,
 * where the guarantee is also the limit). Each validates as Mesos does, with its messages, and the quota is then
 * recorded (roles-state.ts) and given to the allocator, which enforces it. Offers are rescinded best-effort so the
 * new quota takes hold sooner, as Mesos does.
 */
import type { Quota } from '@mesos-ts/allocator';
import { Value_Type, type Resource, type Value_Scalar, type quota as quotaProto } from '@mesos-ts/proto';
import { ResourceLimits, ResourceQuantities, Resources, isStrictSubroleOf, validateRole } from '@mesos-ts/resources';
import type { MasterCore } from '../core';
import { agentUsed } from '../state';
import { roleBreakdown, rolesState, setQuota } from './roles-state';

/** A validation outcome: undefined when fine, else the message. */
type Problem = string | undefined;

/** Why `role` is not a valid role name, worded as Mesos's `roles::validate` (capitalised); undefined when valid. */
export function roleProblem(role: string): Problem {
  const checked = validateRole(role);
  if (checked.ok) return undefined;
  // The resources package words it "Invalid role: role 'x' cannot ..."; Mesos says "Role 'x' cannot ...".
  const problem = checked.error.message.replace(/^Invalid role: /, '');
  return problem.charAt(0).toUpperCase() + problem.slice(1);
}

/** Whether `role` may be used: any role without `--roles`, else only those listed (Mesos's `isWhitelistedRole`). */
export function isWhitelistedRole(core: MasterCore, role: string): boolean {
  const whitelist = core.flags.roles?.value;
  return whitelist === undefined || whitelist.includes(role);
}

/** `{'cpus': 1, 'mem': 2}`-style text of a protobuf scalar map, for messages. */
function scalarMapText(map: Readonly<Record<string, Value_Scalar>> | undefined): string {
  return `{${Object.entries(map ?? {})
    .map(([k, v]) => `${k}: ${v.value ?? 0}`)
    .join(', ')}}`;
}

function scalarRecord(map: Readonly<Record<string, Value_Scalar>> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, v.value ?? 0]));
}

const EXABYTE_IN_MB = 1024 ** 4;
const OTHER_LIMIT = 1e12;

function scalarProblem(value: number): Problem {
  if (Number.isNaN(value)) return 'NaN not supported';
  if (!Number.isFinite(value)) return 'Infinite values not supported';
  if (value !== 0 && Math.abs(value) < Number.MIN_VALUE * 2 ** 52) return 'Subnormal values not supported';
  if (value < 0) return 'Negative values not supported';
  return undefined;
}

/** Mesos's `quota::validate(QuotaConfig)`. */
export function validateQuotaConfig(config: quotaProto.QuotaConfig): Problem {
  if (config.role === undefined) return "'QuotaConfig.role' must be set";
  const role = roleProblem(config.role);
  if (role !== undefined) return `Invalid 'QuotaConfig.role': ${role}`;
  const tooLarge = (map: Readonly<Record<string, Value_Scalar>> | undefined): Problem => {
    for (const [name, scalar] of Object.entries(map ?? {})) {
      const value = scalar.value ?? 0;
      if ((name === 'mem' || name === 'disk') && value > EXABYTE_IN_MB) {
        return `{'${name}': ${value}} is invalid: values greater than 1 exabyte (${EXABYTE_IN_MB}) are not supported`;
      }
      if (name !== 'mem' && name !== 'disk' && value > OTHER_LIMIT) {
        return `{'${name}': ${value}} is invalid: values greater than 1 trillion (${OTHER_LIMIT}) are not supported`;
      }
    }
    return undefined;
  };
  const bigGuarantee = tooLarge(config.guarantees);
  if (bigGuarantee !== undefined) return `Invalid 'QuotaConfig.guarantees': ${bigGuarantee}`;
  const bigLimit = tooLarge(config.limits);
  if (bigLimit !== undefined) return `Invalid 'QuotaConfig.limits': ${bigLimit}`;
  for (const [name, scalar] of Object.entries(config.guarantees ?? {})) {
    const problem = scalarProblem(scalar.value ?? 0);
    if (problem !== undefined) return `Invalid guarantee configuration {'${name}': ${scalar.value ?? 0}}: ${problem}`;
  }
  for (const [name, scalar] of Object.entries(config.limits ?? {})) {
    const problem = scalarProblem(scalar.value ?? 0);
    if (problem !== undefined) return `Invalid limit configuration {'${name}': ${scalar.value ?? 0}}: ${problem}`;
  }
  const quota = quotaOfConfig(config);
  if (!quota.limits.containsQuantities(quota.guarantees)) {
    return `'QuotaConfig.guarantees' ${scalarMapText(config.guarantees)} is not contained within the 'QuotaConfig.limits' ${scalarMapText(config.limits)}`;
  }
  return undefined;
}

/** Mesos's `Quota(QuotaConfig)`. Call only on a validated config. */
export function quotaOfConfig(config: quotaProto.QuotaConfig): Quota {
  return { guarantees: ResourceQuantities.of(scalarRecord(config.guarantees)), limits: ResourceLimits.of(scalarRecord(config.limits)) };
}

/**
 * Mesos's `QuotaTree::validate`: a parent role's guarantees must contain the sum of its children's. Roles without
 * quota count as guaranteeing nothing.
 */
export function quotaTreeProblem(quotas: ReadonlyMap<string, Quota>): Problem {
  interface Node {
    readonly name: string;
    guarantees: ResourceQuantities;
    readonly children: Map<string, Node>;
  }
  const root: Node = { name: '', guarantees: ResourceQuantities.EMPTY, children: new Map() };
  for (const [role, quota] of quotas) {
    let node = root;
    for (const component of role.split('/').filter((c) => c !== '')) {
      let child = node.children.get(component);
      if (child === undefined) node.children.set(component, (child = { name: component, guarantees: ResourceQuantities.EMPTY, children: new Map() }));
      node = child;
    }
    node.guarantees = quota.guarantees;
  }
  const check = (node: Node): Problem => {
    for (const child of node.children.values()) {
      const problem = check(child);
      if (problem !== undefined) return problem;
    }
    const sum = ResourceQuantities.sum([...node.children.values()].map((c) => c.guarantees));
    if (!node.guarantees.contains(sum)) {
      return `Invalid quota configuration. Parent role '${node.name}' with guarantees (${node.guarantees.toString()}) does not contain the sum of its children's guarantees (${sum.toString()})`;
    }
    return undefined;
  };
  for (const child of root.children.values()) {
    const problem = check(child);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The guarantees of the top-level roles, summed (children are contained in their parents). */
function totalGuarantees(quotas: ReadonlyMap<string, Quota>): ResourceQuantities {
  return ResourceQuantities.sum([...quotas].filter(([role]) => !role.includes('/')).map(([, q]) => q.guarantees));
}

/** Non-revocable scalar resources of every registered agent, connected or not (as Mesos counts them). */
export function clusterCapacity(core: MasterCore): ResourceQuantities {
  return ResourceQuantities.sum([...core.agents.values()].map((a) => a.total.nonRevocable().scalars().quantities()));
}

function usedByAgent(core: MasterCore): Map<string, Resources> {
  return new Map([...core.agents.values()].map((a) => [a.id, agentUsed(a)] as const));
}

/** The result of a quota change: 200, or an error status with Mesos's message. */
export type QuotaOutcome = { readonly ok: true } | { readonly ok: false; readonly status: 400 | 409; readonly message: string };

const bad = (message: string): QuotaOutcome => ({ ok: false, status: 400, message });

/** UPDATE_QUOTA: validates every config, then applies all or none. */
export function updateQuota(core: MasterCore, call: { force?: boolean | undefined; quotaConfigs?: quotaProto.QuotaConfig[] | undefined }): QuotaOutcome {
  const configs = call.quotaConfigs ?? [];
  const force = call.force === true;
  for (const config of configs) {
    const role = config.role ?? '';
    if (!isWhitelistedRole(core, role)) return bad(`Invalid QuotaConfig: '${role}' is not on the roles whitelist`);
    // Mesos has not yet enabled quota on nested roles (MESOS-7402).
    if (role.includes('/')) return bad(`Updating quota on nested role '${role}' is not supported yet`);
    const problem = validateQuotaConfig(config);
    if (problem !== undefined) return bad(`Invalid QuotaConfig: ${problem}`);
  }
  const used = usedByAgent(core);
  for (const config of configs) {
    const role = config.role ?? '';
    const limits = quotaOfConfig(config).limits;
    const consumed = roleBreakdown(core, role, used).consumedQuota;
    if (!limits.containsQuantities(consumed)) {
      if (force) {
        core.log.info(`Updating '${role}' quota limit to '${limits.toString()}'; this is below its current quota consumption '${consumed.toString()}'; ignored since the force flag is provided`);
      } else {
        return bad(
          `Invalid QuotaConfig: Role '${role}' is already consuming '${consumed.toString()}'; this is more than the requested limits '${limits.toString()}' (use 'force' flag to bypass this check)`,
        );
      }
    }
  }
  const next = new Map(rolesState(core).quotas);
  for (const config of configs) next.set(config.role ?? '', quotaOfConfig(config));
  const tree = quotaTreeProblem(next);
  if (tree !== undefined) return bad(`Invalid QuotaConfig: ${tree}`);
  const total = totalGuarantees(next);
  const capacity = clusterCapacity(core);
  if (!capacity.contains(total)) {
    if (force) core.log.info('Using force flag to override quota overcommit check');
    else return bad(`Invalid QuotaConfig: total quota guarantees '${total.toString()}' exceed cluster capacity '${capacity.toString()}' (use 'force' flag to bypass this check)`);
  }
  for (const config of configs) {
    const role = config.role ?? '';
    setQuota(core, role, quotaOfConfig(config));
    core.log.info({ role }, `Updated quota of role '${role}'`);
  }
  for (const config of configs) rescindForQuota(core, config.role ?? '', quotaOfConfig(config));
  return { ok: true };
}

/**
 * Mesos's best-effort rescind after UPDATE_QUOTA: first offers to the role's subtree until what it consumes and
 * is offered fits its limits, then offers to other roles until the role could reach its guarantees.
 */
function rescindForQuota(core: MasterCore, role: string, quota: Quota): void {
  const breakdown = roleBreakdown(core, role, usedByAgent(core));
  let consumedAndOffered = breakdown.consumedQuota.plus(breakdown.offered);
  const inSubtree = (offerRole: string): boolean => offerRole === role || isStrictSubroleOf(offerRole, role);
  for (const offer of core.offers.all()) {
    if (quota.limits.containsQuantities(consumedAndOffered)) break;
    if (!inSubtree(offer.role) || !core.frameworks.has(offer.frameworkId)) continue;
    consumedAndOffered = consumedAndOffered.minus(offer.resources.quantities());
    rescindOne(core, offer.id);
  }
  let rescinded = ResourceQuantities.EMPTY;
  for (const agent of core.agents.values()) {
    for (const offer of core.offers.offersOn(agent.id)) {
      if (rescinded.plus(consumedAndOffered).contains(quota.guarantees)) return;
      if (inSubtree(offer.role)) continue;
      rescinded = rescinded.plus(offer.resources.quantities());
      rescindOne(core, offer.id);
    }
  }
}

function rescindOne(core: MasterCore, offerId: string): void {
  const taken = core.offers.rescind(offerId);
  if (taken !== undefined) core.rescind([taken]);
}

/** GET_QUOTA / `GET /quota`: every configured quota, as legacy QuotaInfo and as QuotaConfig, by role. */
export function quotaStatus(core: MasterCore): quotaProto.QuotaStatus {
  const entries = [...rolesState(core).quotas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const scalarMap = (pairs: Iterable<[string, number]>): Record<string, Value_Scalar> => Object.fromEntries([...pairs].map(([k, v]) => [k, { value: v }]));
  return {
    infos: entries.map(([role, q]) => ({
      role,
      guarantee: [...q.guarantees].map(([name, value]): Resource => ({ name, type: Value_Type.SCALAR, scalar: { value } })),
    })),
    configs: entries.map(([role, q]) => ({ role, guarantees: scalarMap(q.guarantees), limits: scalarMap(q.limits) })),
  };
}

/** Mesos's `quota::validation::quotaInfo` for SET_QUOTA's request (resources already upgraded). */
function quotaInfoProblem(role: string | undefined, guarantee: readonly Resource[]): Problem {
  if (role === undefined) return 'QuotaInfo must specify a role';
  const invalid = roleProblem(role);
  if (invalid !== undefined) return `QuotaInfo with invalid role: ${invalid}`;
  if (guarantee.length === 0) return "QuotaInfo with empty 'guarantee'";
  const names = new Set<string>();
  for (const r of guarantee) {
    if ((r.reservations?.length ?? 0) > 0 || (r.role !== undefined && r.role !== '*')) return 'QuotaInfo must not contain any ReservationInfo';
    if (r.disk !== undefined) return 'QuotaInfo must not contain DiskInfo';
    if (r.revocable !== undefined) return 'QuotaInfo must not contain RevocableInfo';
    if (r.type !== Value_Type.SCALAR) return 'QuotaInfo must not include non-scalar resources';
    const name = r.name ?? '';
    if (names.has(name)) return `QuotaInfo contains duplicate resource name '${name}'`;
    names.add(name);
  }
  return undefined;
}

/** SET_QUOTA / `POST /quota` (deprecated): a new quota whose guarantee is also its limit. */
export function setQuotaRequest(core: MasterCore, request: quotaProto.QuotaRequest): QuotaOutcome {
  const guarantee = request.guarantee ?? [];
  const parsed = Resources.fromProto(guarantee);
  if (!parsed.ok) return bad(`Failed to validate set quota request: QuotaInfo with invalid resource: ${parsed.error.message}`);
  const problem = quotaInfoProblem(request.role, guarantee);
  if (problem !== undefined) return bad(`Failed to validate set quota request: ${problem}`);
  const role = request.role ?? '';
  if (!isWhitelistedRole(core, role)) return bad(`Failed to validate set quota request: Unknown role '${role}'`);
  const state = rolesState(core);
  if (state.quotas.has(role)) return bad(`Failed to validate set quota request: Cannot set quota for role '${role}' which already has quota`);
  const quantities = parsed.value.scalars().quantities();
  const quota: Quota = { guarantees: quantities, limits: ResourceLimits.of([...quantities]) };
  const next = new Map(state.quotas).set(role, quota);
  const tree = quotaTreeProblem(next);
  if (tree !== undefined) return bad(`Failed to validate set quota request: ${tree}`);
  if (role.includes('/')) return bad(`Setting quota on nested role '${role}' is not supported yet`);
  if (request.force !== true) {
    const total = totalGuarantees(next);
    const capacity = clusterCapacity(core);
    if (!capacity.contains(total)) {
      return {
        ok: false,
        status: 409,
        message: `Quota guarantees overcommit the cluster (use 'force' to bypass this check): Total quota guarantees '${total.toString()}' exceed cluster capacity '${capacity.toString()}'`,
      };
    }
  }
  setQuota(core, role, quota);
  core.log.info({ role }, `Set quota of role '${role}' to ${quantities.toString()}`);
  rescindForGuarantee(core, role, quantities);
  return { ok: true };
}

/**
 * Mesos's `QuotaHandler::rescindOffers` for SET_QUOTA: whole agents' offers are rescinded until they add up to the
 * guarantee and at least as many agents were visited as the role has active frameworks.
 */
function rescindForGuarantee(core: MasterCore, role: string, guarantee: ResourceQuantities): void {
  const frameworksInRole = [...core.frameworks.values()].filter((f) => f.roles.has(role) && f.state === 'connected' && f.active).length;
  let rescinded = ResourceQuantities.EMPTY;
  let visited = 0;
  for (const agent of core.agents.values()) {
    if (rescinded.contains(guarantee) && visited >= frameworksInRole) break;
    if (!agent.connected || !agent.active) continue;
    const taken = core.offers.rescindAgent(agent.id);
    if (taken.length === 0) continue;
    for (const offer of taken) rescinded = rescinded.plus(offer.resources.quantities());
    core.rescind(taken);
    visited++;
  }
}

/** REMOVE_QUOTA (deprecated): the role goes back to the default quota; 400 if it has none. */
export function removeQuota(core: MasterCore, role: string): QuotaOutcome {
  if (!rolesState(core).quotas.has(role)) return bad(`Failed to remove quota: Role '${role}' has no quota set`);
  setQuota(core, role, { guarantees: ResourceQuantities.EMPTY, limits: ResourceLimits.NONE });
  core.log.info({ role }, `Removed quota of role '${role}'`);
  return { ok: true };
}
