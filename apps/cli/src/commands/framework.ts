import { master } from '@mesos-ts/proto';
import { scalarOf } from '../output/resources';
import { formatNumber, formatTable, formatTime } from '../output/table';
import type { CliCommand } from './command';
import { defineAction, defineGroup, jsonOption, masterOption, type MasterFlags } from './shared';

interface FrameworkListFlags extends MasterFlags {
  readonly all?: boolean;
}

/** Columns of `mesos framework list`. */
export const FRAMEWORK_COLUMNS = ['ID', 'NAME', 'ROLES', 'STATE', 'CPUS', 'MEM', 'GPUS', 'REGISTERED'] as const;

/** A framework's state in one word: ACTIVE, INACTIVE, DISCONNECTED, RECOVERED or (completed) COMPLETED. */
function frameworkState(f: master.Response_GetFrameworks_Framework, completed: boolean): string {
  if (completed) return 'COMPLETED';
  if (f.recovered === true) return 'RECOVERED';
  if (f.connected === false) return 'DISCONNECTED';
  return f.active === true ? 'ACTIVE' : 'INACTIVE';
}

/** The rows of `mesos framework list`: subscribed frameworks, then (with `all`) completed ones. */
export function frameworkRows(frameworks: master.Response_GetFrameworks, all: boolean): string[][] {
  const rows = (list: readonly master.Response_GetFrameworks_Framework[] | undefined, completed: boolean): string[][] =>
    (list ?? []).map((f) => {
      const info = f.frameworkInfo ?? {};
      const roles = info.roles !== undefined && info.roles.length > 0 ? info.roles.join(',') : (info.role ?? '*');
      const amount = (name: string): string => formatNumber(scalarOf(f.allocatedResources, name) ?? 0);
      return [info.id?.value ?? '', info.name ?? '', roles, frameworkState(f, completed), amount('cpus'), amount('mem'), amount('gpus'), formatTime(f.registeredTime?.nanoseconds !== undefined ? Number(f.registeredTime.nanoseconds) / 1e9 : undefined)];
    });
  return [...rows(frameworks.frameworks, false), ...(all ? rows(frameworks.completedFrameworks, true) : [])];
}

/** `mesos framework list [--all]`: GET_FRAMEWORKS as a table; `--all` adds completed (torn down) frameworks. */
export const frameworkCommand: CliCommand = {
  name: 'framework',
  register(program, context, done) {
    const group = defineGroup(program, 'framework', 'Frameworks (schedulers) of the cluster');
    const list = group
      .command('list')
      .description('List the frameworks: ID, name, roles, state, allocated resources')
      .option('-a, --all', 'Include completed (torn down) frameworks')
      .addOption(masterOption())
      .addOption(jsonOption());
    defineAction<FrameworkListFlags>(list, context, done, async ({ client, options, out, json }) => {
      const answer = await client.call({ type: master.Call_Type.GET_FRAMEWORKS });
      if (options.json === true) return json(answer.json);
      out(formatTable(FRAMEWORK_COLUMNS, frameworkRows(answer.response.getFrameworks ?? {}, options.all === true)));
    });
    return group;
  },
};
