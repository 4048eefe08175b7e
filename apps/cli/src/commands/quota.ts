import { master, toMesosJson, type Value_Scalar, type quota } from '@mesos-ts/proto';
import { ResourceLimits, ResourceQuantities, validateRole } from '@mesos-ts/resources';
import { formatNumber, formatTable } from '../output/table';
import type { CliCommand } from './command';
import { defineAction, defineGroup, jsonOption, masterOption, type MasterFlags } from './shared';

interface QuotaUpdateFlags extends MasterFlags {
  readonly guarantee?: string;
  readonly limit?: string;
  readonly force?: boolean;
}

/** `cpus:1; mem:128` from a QuotaConfig map, `-` when empty. */
export function formatScalarMap(map: { readonly [name: string]: Value_Scalar } | undefined): string {
  const entries = Object.entries(map ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '-' : entries.map(([name, v]) => `${name}:${formatNumber(v.value ?? 0)}`).join('; ');
}

/** Columns of `mesos quota get`. */
export const QUOTA_COLUMNS = ['ROLE', 'GUARANTEES', 'LIMITS'] as const;

/** The rows of `mesos quota get`, sorted by role. */
export function quotaRows(configs: readonly quota.QuotaConfig[]): string[][] {
  return [...configs].sort((a, b) => (a.role ?? '').localeCompare(b.role ?? '')).map((c) => [c.role ?? '', formatScalarMap(c.guarantees), formatScalarMap(c.limits)]);
}

/** A scalar map (`{cpus: {value: 1}}`) from parsed quantities or limits. */
function scalarMap(pairs: Iterable<[string, number]>): { [name: string]: Value_Scalar } {
  const out: { [name: string]: Value_Scalar } = {};
  for (const [name, value] of pairs) out[name] = { value };
  return out;
}

/**
 * The UPDATE_QUOTA call for `mesos quota update`: the role's whole new quota (Mesos replaces guarantees and limits
 * together, so a kind left out becomes "none"). Guarantees drop zero amounts, limits keep them (a zero limit is a
 * real limit), as Mesos's `ResourceQuantities` / `ResourceLimits`.
 *
 * @returns the call, or a message naming the flag and the bad value.
 */
export function quotaUpdateCall(role: string, guarantee: string | undefined, limit: string | undefined, force: boolean): { ok: true; call: master.Call } | { ok: false; message: string } {
  const valid = validateRole(role);
  if (!valid.ok) return { ok: false, message: `role '${role}': ${valid.error.message}` };
  if (role === '*') return { ok: false, message: "role '*' cannot have a quota" };
  const guarantees = ResourceQuantities.fromString(guarantee ?? '');
  if (!guarantees.ok) return { ok: false, message: `--guarantee '${guarantee}': ${guarantees.error.message}` };
  const limits = ResourceLimits.fromString(limit ?? '');
  if (!limits.ok) return { ok: false, message: `--limit '${limit}': ${limits.error.message}` };
  const config: quota.QuotaConfig = { role, guarantees: scalarMap(guarantees.value), limits: scalarMap(limits.value) };
  return { ok: true, call: { type: master.Call_Type.UPDATE_QUOTA, updateQuota: { force, quotaConfigs: [config] } } };
}

const UPDATE_HELP = `
Guarantees and limits are scalar resources in Mesos's text form, e.g. 'cpus:1;mem:128'. The update replaces the
role's whole quota: a kind left out (no --limit, say) means none. 'mesos quota remove ROLE' drops the quota.

Examples:
  $ mesos quota update eng --guarantee 'cpus:2;mem:1024' --limit 'cpus:4;mem:4096'
  $ mesos quota update batch --limit 'cpus:10'`;

/** `mesos quota get [role]`, `mesos quota update <role> ...`, `mesos quota remove <role>`. */
export const quotaCommand: CliCommand = {
  name: 'quota',
  register(program, context, done) {
    const group = defineGroup(program, 'quota', 'Quota (guarantees and limits) of roles');

    const get = group.command('get').description('Show the quota of every role with one (or of one role)').argument('[role]', 'Only this role').addOption(masterOption()).addOption(jsonOption());
    defineAction<MasterFlags>(get, context, done, async ({ client, args, options, out, json }) => {
      const role = args[0] as string | undefined;
      const answer = await client.call({ type: master.Call_Type.GET_QUOTA });
      const configs = (answer.response.getQuota?.status?.configs ?? []).filter((c) => role === undefined || c.role === role);
      if (options.json === true) return json(role === undefined ? answer.json : { configs: configs.map((c) => toMesosJson('mesos.v1.quota.QuotaConfig', c)) });
      if (role !== undefined && configs.length === 0) return out(`Role '${role}' has no quota: nothing guaranteed, no limit.\n`);
      out(formatTable(QUOTA_COLUMNS, quotaRows(configs)));
    });

    const update = group
      .command('update')
      .description("Set a role's quota (UPDATE_QUOTA)")
      .argument('<role>', 'The role')
      .option('--guarantee <resources>', "Resources the role is guaranteed, e.g. 'cpus:1;mem:128'")
      .option('--limit <resources>', "Most resources the role may be allocated, e.g. 'cpus:4;mem:1024'")
      .option('--force', "Skip the master's check that the cluster can satisfy the guarantees")
      .addOption(masterOption())
      .addHelpText('after', UPDATE_HELP);
    defineAction<QuotaUpdateFlags>(update, context, done, async ({ client, args, options, out, usage }) => {
      const role = String(args[0]);
      if (options.guarantee === undefined && options.limit === undefined) usage(`give --guarantee and/or --limit (to drop the quota: mesos quota remove ${role})`);
      const built = quotaUpdateCall(role, options.guarantee, options.limit, options.force === true);
      if (!built.ok) return usage(built.message);
      await client.call(built.call);
      const config = built.call.updateQuota!.quotaConfigs![0]!;
      out(`Updated the quota of role '${role}': guarantees ${formatScalarMap(config.guarantees)}, limits ${formatScalarMap(config.limits)}\n`);
    });

    const remove = group.command('remove').description("Drop a role's quota (UPDATE_QUOTA with no guarantees and no limits)").argument('<role>', 'The role').addOption(masterOption());
    defineAction<MasterFlags>(remove, context, done, async ({ client, args, out, usage }) => {
      const role = String(args[0]);
      const built = quotaUpdateCall(role, undefined, undefined, false);
      if (!built.ok) return usage(built.message);
      await client.call(built.call);
      out(`Removed the quota of role '${role}'\n`);
    });
    return group;
  },
};
