/** Agents: the list, and one agent's details, resources and tasks. */
import { Facts, Flag, Heading, Meters, ResourceText, Table } from '../components/common';
import { TaskTable } from '../components/task-table';
import { formatTimeInfo } from '../format';
import { href } from '../router';
import { agentUrl, usage } from '../state/cluster';
import { otherResources, sumResources, zero } from '../state/resources';
import type { Snapshot } from '../state/store';
import type { Agent } from '../state/types';

function agentState(agent: Agent): string {
  if (agent.drain_info !== undefined) return agent.drain_info.state === 'DRAINED' ? 'Drained' : 'Draining';
  if (agent.deactivated === true) return 'Deactivated';
  return agent.active === true ? 'Active' : 'Disconnected';
}

export function AgentsPage(props: { readonly snapshot: Snapshot }) {
  const cluster = props.snapshot.cluster;
  const used = usage(cluster).byAgent;
  const agents = [...cluster.agents.values()].sort((a, b) => (a.agent.agent_info?.hostname ?? '').localeCompare(b.agent.agent_info?.hostname ?? '') || a.id.localeCompare(b.id));
  return (
    <div class="page" id="agents">
      <Heading title="Agents">{agents.length} registered</Heading>
      <Table id="agent-table" head={['ID', 'Host', 'State', 'Used', 'Total', 'Version']} rows={agents.length} empty="No agents are registered.">
        {agents.map(({ id, agent }) => (
          <tr key={id} data-agent-id={id}>
            <td class="mono">
              <a href={href.agent(id)}>{id}</a>
            </td>
            <td>{agent.agent_info?.hostname ?? '—'}</td>
            <td>{agentState(agent)}</td>
            <td>
              <ResourceText value={used.get(id) ?? zero()} />
            </td>
            <td>
              <ResourceText value={sumResources(agent.total_resources ?? agent.agent_info?.resources)} />
            </td>
            <td>{agent.version ?? '—'}</td>
          </tr>
        ))}
      </Table>
    </div>
  );
}

export function AgentPage(props: { readonly snapshot: Snapshot; readonly agentId: string }) {
  const cluster = props.snapshot.cluster;
  const view = cluster.agents.get(props.agentId);
  const tasks = [...cluster.tasks.values()].filter((t) => t.agentId === props.agentId);
  if (view === undefined) {
    return (
      <div class="page" id="agent">
        <Heading title="Agent">{props.agentId}</Heading>
        <p class="note">{cluster.loaded ? 'This agent is not registered with the master (removed, or never known).' : 'Loading…'}</p>
      </div>
    );
  }
  const agent = view.agent;
  const total = agent.total_resources ?? agent.agent_info?.resources;
  const url = agentUrl(agent);
  return (
    <div class="page" id="agent">
      <Heading title={agent.agent_info?.hostname ?? 'Agent'}>
        <span class="mono">{view.id}</span>
      </Heading>
      <div class="grid two">
        <section class="card">
          <h2>Details</h2>
          <Facts
            items={[
              ['State', agentState(agent)],
              ['Active', <Flag on={agent.active === true} yes="yes" no="no" />],
              ['PID', <span class="mono">{agent.pid ?? '—'}</span>],
              ['Endpoint', url === undefined ? '—' : <a href={url}>{url}</a>],
              ['Version', agent.version ?? '—'],
              ['Registered', formatTimeInfo(agent.registered_time)],
              ['Re-registered', formatTimeInfo(agent.reregistered_time)],
              ['Other resources', otherResources(total).join('; ') || '—'],
              ['Attributes', (agent.agent_info?.attributes ?? []).map((a) => `${a.name ?? '?'}:${a.text?.value ?? a.scalar?.value ?? '…'}`).join('; ') || '—'],
            ]}
          />
        </section>
        <section class="card">
          <h2>Resources used / total</h2>
          <Meters used={usage(cluster).byAgent.get(view.id) ?? zero()} total={sumResources(total)} />
        </section>
      </div>
      <h2>Tasks</h2>
      <TaskTable id="agent-tasks" tasks={tasks} cluster={cluster} empty="No tasks on this agent." />
    </div>
  );
}
