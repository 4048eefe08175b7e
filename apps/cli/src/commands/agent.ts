import { DrainState, master } from '@mesos-ts/proto';
import { scalarOf } from '../output/resources';
import { formatTable, formatUsage } from '../output/table';
import type { CliCommand } from './command';
import { defineAction, defineGroup, jsonOption, masterOption, type MasterFlags } from './shared';

/** The rows of `mesos agent list`: one per registered agent, sorted by hostname then ID. */
export function agentRows(agents: readonly master.Response_GetAgents_Agent[]): string[][] {
  const sorted = [...agents].sort((a, b) => (a.agentInfo?.hostname ?? '').localeCompare(b.agentInfo?.hostname ?? '') || (a.agentInfo?.id?.value ?? '').localeCompare(b.agentInfo?.id?.value ?? ''));
  return sorted.map((a) => {
    const info = a.agentInfo ?? {};
    const state = a.drainInfo !== undefined ? drainStateName(a.drainInfo.state) : a.deactivated === true ? 'DEACTIVATED' : a.active === true ? 'ACTIVE' : 'INACTIVE';
    const usage = (name: string): string => formatUsage(scalarOf(a.allocatedResources, name), scalarOf(a.totalResources, name));
    return [info.id?.value ?? '', `${info.hostname ?? ''}${info.port !== undefined ? `:${info.port}` : ''}`, state, usage('cpus'), usage('mem'), usage('disk'), usage('gpus'), a.version ?? ''];
  });
}

/** DrainInfo.state as the table shows it. */
function drainStateName(state: DrainState | undefined): string {
  return state === DrainState.DRAINED ? 'DRAINED' : 'DRAINING';
}

/** Columns of `mesos agent list`. */
export const AGENT_COLUMNS = ['ID', 'HOST', 'STATE', 'CPUS', 'MEM', 'DISK', 'GPUS', 'VERSION'] as const;

/**
 * `mesos agent list`: the master's agents (GET_AGENTS) as a table of ID, host:port, state (ACTIVE, INACTIVE when
 * disconnected, DEACTIVATED, DRAINING, DRAINED) and allocated/total cpus, mem (MB), disk (MB), gpus.
 */
export const agentCommand: CliCommand = {
  name: 'agent',
  register(program, context, done) {
    const group = defineGroup(program, 'agent', 'Agents of the cluster');
    const list = group.command('list').description('List the registered agents: ID, host, state, allocated/total resources').addOption(masterOption()).addOption(jsonOption());
    defineAction<MasterFlags>(list, context, done, async ({ client, options, out, json }) => {
      const answer = await client.call({ type: master.Call_Type.GET_AGENTS });
      if (options.json === true) return json(answer.json);
      const agents = answer.response.getAgents?.agents ?? [];
      out(formatTable(AGENT_COLUMNS, agentRows(agents)));
      const recovered = answer.response.getAgents?.recoveredAgents ?? [];
      if (recovered.length > 0) out(`\n${recovered.length} agent(s) recovered from the registry have not re-registered yet.\n`);
    });
    return group;
  },
};
