/** Frameworks: active and completed, and one framework's details and tasks. */
import { Facts, Flag, Heading, ResourceText, Table } from '../components/common';
import { TaskTable } from '../components/task-table';
import { formatTimeInfo } from '../format';
import { href } from '../router';
import { isLive, usage, type FrameworkView } from '../state/cluster';
import { zero } from '../state/resources';
import type { Snapshot } from '../state/store';

function roles(view: FrameworkView): string {
  const roles = view.info.roles ?? [];
  return roles.length > 0 ? roles.join(', ') : (view.info.role ?? '*');
}

function FrameworkRows(props: { readonly snapshot: Snapshot; readonly frameworks: readonly FrameworkView[] }) {
  const cluster = props.snapshot.cluster;
  const used = usage(cluster).byFramework;
  const liveTasks = new Map<string, number>();
  for (const t of cluster.tasks.values()) if (isLive(t)) liveTasks.set(t.frameworkId, (liveTasks.get(t.frameworkId) ?? 0) + 1);
  return (
    <>
      {props.frameworks.map((f) => (
        <tr key={f.id} data-framework-id={f.id}>
          <td class="mono">
            <a href={href.framework(f.id)}>{f.id}</a>
          </td>
          <td>{f.info.name ?? '—'}</td>
          <td>{roles(f)}</td>
          <td>{f.info.user ?? '—'}</td>
          <td>{f.completed ? <Flag on={false} yes="" no="completed" /> : <Flag on={f.framework.active === true} yes="active" no="inactive" />}</td>
          <td>{liveTasks.get(f.id) ?? 0}</td>
          <td>
            <ResourceText value={used.get(f.id) ?? zero()} />
          </td>
          <td class="nowrap">{formatTimeInfo(f.framework.registered_time)}</td>
        </tr>
      ))}
    </>
  );
}

export function FrameworksPage(props: { readonly snapshot: Snapshot }) {
  const all = [...props.snapshot.cluster.frameworks.values()];
  const active = all.filter((f) => !f.completed);
  const completed = all.filter((f) => f.completed);
  const head = ['ID', 'Name', 'Roles', 'User', 'State', 'Live tasks', 'Used', 'Registered'];
  return (
    <div class="page" id="frameworks">
      <Heading title="Frameworks">
        {active.length} registered, {completed.length} completed
      </Heading>
      <Table id="framework-table" head={head} rows={active.length} empty="No frameworks are registered.">
        <FrameworkRows snapshot={props.snapshot} frameworks={active} />
      </Table>
      <h2>Completed frameworks</h2>
      <Table id="completed-framework-table" head={head} rows={completed.length} empty="No completed frameworks.">
        <FrameworkRows snapshot={props.snapshot} frameworks={completed} />
      </Table>
    </div>
  );
}

export function FrameworkPage(props: { readonly snapshot: Snapshot; readonly frameworkId: string }) {
  const cluster = props.snapshot.cluster;
  const view = cluster.frameworks.get(props.frameworkId);
  const tasks = [...cluster.tasks.values()].filter((t) => t.frameworkId === props.frameworkId);
  const live = tasks.filter(isLive);
  const ended = tasks.filter((t) => !isLive(t));
  if (view === undefined) {
    return (
      <div class="page" id="framework">
        <Heading title="Framework">{props.frameworkId}</Heading>
        <p class="note">{cluster.loaded ? 'This framework is not known to the master.' : 'Loading…'}</p>
      </div>
    );
  }
  const info = view.info;
  return (
    <div class="page" id="framework">
      <Heading title={info.name ?? 'Framework'}>
        <span class="mono">{view.id}</span>
      </Heading>
      <section class="card">
        <Facts
          items={[
            ['State', view.completed ? 'completed' : view.framework.active === true ? 'active' : 'inactive'],
            ['Connected', <Flag on={view.framework.connected === true} yes="yes" no="no" />],
            ['Roles', roles(view)],
            ['User', info.user ?? '—'],
            ['Principal', info.principal ?? '—'],
            ['Hostname', info.hostname ?? '—'],
            ['Web UI', info.webui_url === undefined || info.webui_url === '' ? '—' : <a href={info.webui_url}>{info.webui_url}</a>],
            ['Failover timeout', info.failover_timeout === undefined ? '—' : `${info.failover_timeout} s`],
            ['Checkpoint', info.checkpoint === true ? 'yes' : 'no'],
            ['Capabilities', (info.capabilities ?? []).map((c) => c.type ?? '?').join(', ') || '—'],
            ['Registered', formatTimeInfo(view.framework.registered_time)],
            ['Used', <ResourceText value={usage(cluster).byFramework.get(view.id) ?? zero()} />],
          ]}
        />
      </section>
      <h2>Active tasks</h2>
      <TaskTable id="framework-tasks" tasks={live} cluster={cluster} empty="No active tasks." />
      <h2>Completed tasks</h2>
      <TaskTable id="framework-completed-tasks" tasks={ended} cluster={cluster} empty="No completed tasks." />
    </div>
  );
}
