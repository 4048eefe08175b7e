/** The task list that the tasks, agent and framework pages share. */
import { formatSeconds } from '../format';
import { href } from '../router';
import type { ClusterState, TaskView } from '../state/cluster';
import { sumResources } from '../state/resources';
import { ResourceText, StateBadge, Table } from './common';

export function TaskTable(props: { readonly tasks: readonly TaskView[]; readonly cluster: ClusterState; readonly id?: string; readonly empty?: string }) {
  const rows = [...props.tasks].sort((a, b) => b.updated - a.updated);
  return (
    <Table head={['Task', 'Name', 'State', 'Framework', 'Agent', 'Resources', 'Updated', '']} rows={rows.length} empty={props.empty ?? 'No tasks.'} {...(props.id === undefined ? {} : { id: props.id })}>
      {rows.map((t) => {
        const framework = props.cluster.frameworks.get(t.frameworkId);
        const agent = props.cluster.agents.get(t.agentId);
        return (
          <tr key={t.key} data-task-id={t.id} data-state={t.state}>
            <td class="mono">{t.id}</td>
            <td>{t.name}</td>
            <td>
              <StateBadge state={t.state} />
            </td>
            <td>
              <a href={href.framework(t.frameworkId)}>{framework?.info.name ?? t.frameworkId}</a>
            </td>
            <td>{t.agentId === '' ? '—' : <a href={href.agent(t.agentId)}>{agent?.agent.agent_info?.hostname ?? t.agentId}</a>}</td>
            <td>
              <ResourceText value={sumResources(t.resources)} />
            </td>
            <td class="nowrap">{formatSeconds(t.updated)}</td>
            <td>{t.agentId === '' ? null : <a href={href.sandbox(t.frameworkId, t.id)}>Sandbox</a>}</td>
          </tr>
        );
      })}
    </Table>
  );
}
