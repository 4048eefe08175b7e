/** The cluster at a glance: resources used of total per kind, and agents, frameworks and tasks by state. */
import { Heading, Meters } from '../components/common';
import { shortState } from '../format';
import { href } from '../router';
import { capacity, countByState, usage } from '../state/cluster';
import type { Snapshot } from '../state/store';

const STATE_ORDER = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_UNREACHABLE', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN'];

function Counts(props: { readonly title: string; readonly link: string; readonly items: readonly (readonly [string, number])[]; readonly id: string; readonly empty?: string }) {
  return (
    <section class="card counts" id={props.id}>
      <h2>
        <a href={props.link}>{props.title}</a>
      </h2>
      {props.items.length === 0 ? <p class="note">{props.empty ?? 'None.'}</p> : null}
      <dl>
        {props.items.map(([label, n]) => (
          <div key={label} data-count={label}>
            <dt>{label}</dt>
            <dd>{n}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function OverviewPage(props: { readonly snapshot: Snapshot }) {
  const cluster = props.snapshot.cluster;
  const agents = [...cluster.agents.values()];
  const frameworks = [...cluster.frameworks.values()];
  const byState = countByState(cluster.tasks.values());
  const known = STATE_ORDER.filter((s) => byState.has(s));
  const other = [...byState.keys()].filter((s) => !STATE_ORDER.includes(s));
  return (
    <div class="page" id="overview">
      <Heading title="Cluster" />
      <section class="card">
        <h2>Resources used / total</h2>
        <Meters used={usage(cluster).total} total={capacity(cluster)} />
      </section>
      <div class="grid">
        <Counts
          id="agent-counts"
          title="Agents"
          link={href.agents()}
          items={[
            ['Active', agents.filter((a) => a.agent.active === true && a.agent.deactivated !== true).length],
            ['Deactivated', agents.filter((a) => a.agent.deactivated === true).length],
            ['Draining', agents.filter((a) => a.agent.drain_info !== undefined).length],
            ['Disconnected', agents.filter((a) => a.agent.active !== true).length],
          ]}
        />
        <Counts
          id="framework-counts"
          title="Frameworks"
          link={href.frameworks()}
          items={[
            ['Active', frameworks.filter((f) => !f.completed && f.framework.active === true).length],
            ['Inactive', frameworks.filter((f) => !f.completed && f.framework.active !== true).length],
            ['Completed', frameworks.filter((f) => f.completed).length],
          ]}
        />
        <Counts id="task-counts" title="Tasks" link={href.tasks()} empty="No tasks yet." items={[...known, ...other].map((s) => [shortState(s), byState.get(s) ?? 0] as const)} />
      </div>
    </div>
  );
}
