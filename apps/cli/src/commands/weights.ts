import { master, type WeightInfo } from '@mesos-ts/proto';
import { validateRole } from '@mesos-ts/resources';
import { formatNumber, formatTable } from '../output/table';
import type { CliCommand } from './command';
import { defineAction, defineGroup, jsonOption, masterOption, type MasterFlags } from './shared';

/**
 * Parses `role=weight` arguments of `mesos weights update`. Weights must be positive numbers, as Mesos requires; a
 * role given twice is refused rather than silently taking the last.
 *
 * @returns the weights, or a message naming the bad argument.
 */
export function parseWeights(args: readonly string[]): { ok: true; weights: WeightInfo[] } | { ok: false; message: string } {
  if (args.length === 0) return { ok: false, message: 'give at least one ROLE=WEIGHT, e.g. eng=2' };
  const weights: WeightInfo[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    const eq = arg.lastIndexOf('=');
    if (eq <= 0) return { ok: false, message: `'${arg}' is not ROLE=WEIGHT` };
    const role = arg.slice(0, eq);
    const text = arg.slice(eq + 1);
    const valid = validateRole(role);
    if (!valid.ok) return { ok: false, message: `'${arg}': ${valid.error.message}` };
    if (role === '*') return { ok: false, message: `'${arg}': role '*' cannot have a weight` };
    const weight = text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(weight) || weight <= 0) return { ok: false, message: `'${arg}': the weight must be a positive number, got '${text}'` };
    if (seen.has(role)) return { ok: false, message: `role '${role}' is given twice` };
    seen.add(role);
    weights.push({ role, weight });
  }
  return { ok: true, weights };
}

/** `mesos weights get` and `mesos weights update role=weight ...` (GET_WEIGHTS / UPDATE_WEIGHTS). */
export const weightsCommand: CliCommand = {
  name: 'weights',
  register(program, context, done) {
    const group = defineGroup(program, 'weights', 'Weights of roles (their share in DRF allocation)');

    const get = group.command('get').description('Show the roles with a weight other than the default 1').addOption(masterOption()).addOption(jsonOption());
    defineAction<MasterFlags>(get, context, done, async ({ client, options, out, json }) => {
      const answer = await client.call({ type: master.Call_Type.GET_WEIGHTS });
      if (options.json === true) return json(answer.json);
      const infos = [...(answer.response.getWeights?.weightInfos ?? [])].sort((a, b) => (a.role ?? '').localeCompare(b.role ?? ''));
      out(formatTable(['ROLE', { header: 'WEIGHT', align: 'right' }], infos.map((w) => [w.role ?? '', formatNumber(w.weight ?? 1)])));
    });

    const update = group
      .command('update')
      .description('Set the weights of roles (UPDATE_WEIGHTS)')
      .argument('<role=weight...>', 'e.g. eng=2 batch=0.5')
      .addOption(masterOption())
      .addHelpText('after', '\nExample:\n  $ mesos weights update eng=2 batch=0.5');
    defineAction<MasterFlags>(update, context, done, async ({ client, args, out, usage }) => {
      const parsed = parseWeights((args[0] as string[] | undefined) ?? []);
      if (!parsed.ok) return usage(parsed.message);
      await client.call({ type: master.Call_Type.UPDATE_WEIGHTS, updateWeights: { weightInfos: parsed.weights } });
      out(`Updated weights: ${parsed.weights.map((w) => `${w.role}=${formatNumber(w.weight ?? 1)}`).join(', ')}\n`);
    });
    return group;
  },
};
