/** The page frame: navigation, the live-stream indicator, and the routed page. */
import { useEffect, useState } from 'preact/hooks';
import { getJson } from './api/http';
import { AgentPage, AgentsPage } from './pages/agents';
import { FrameworkPage, FrameworksPage } from './pages/frameworks';
import { MaintenancePage } from './pages/maintenance';
import { OverviewPage } from './pages/overview';
import { RolesPage } from './pages/roles';
import { SandboxPage } from './pages/sandbox';
import { TasksPage } from './pages/tasks';
import { href, useRoute, type Route } from './router';
import { useCluster, type Snapshot } from './state/store';

const NAV: readonly (readonly [string, string, readonly Route['page'][]])[] = [
  ['Overview', href.overview(), ['overview']],
  ['Agents', href.agents(), ['agents', 'agent']],
  ['Frameworks', href.frameworks(), ['frameworks', 'framework', 'sandbox']],
  ['Tasks', href.tasks(), ['tasks']],
  ['Roles', href.roles(), ['roles']],
  ['Maintenance', href.maintenance(), ['maintenance']],
];

function StreamIndicator(props: { readonly snapshot: Snapshot }) {
  const status = props.snapshot.status;
  const text = status.kind === 'live' ? 'Live' : status.kind === 'connecting' ? 'Connecting…' : `Disconnected: ${status.reason}. Retrying in ${Math.ceil(status.retryInMs / 1000)} s`;
  return (
    <span id="stream-status" class={`stream ${status.kind}`} data-status={status.kind} title={text}>
      <span class="dot" />
      {status.kind === 'down' ? 'Reconnecting' : text}
    </span>
  );
}

function Page(props: { readonly route: Route; readonly snapshot: Snapshot }) {
  const { route, snapshot } = props;
  switch (route.page) {
    case 'overview':
      return <OverviewPage snapshot={snapshot} />;
    case 'agents':
      return <AgentsPage snapshot={snapshot} />;
    case 'agent':
      return <AgentPage snapshot={snapshot} agentId={route.agentId} />;
    case 'frameworks':
      return <FrameworksPage snapshot={snapshot} />;
    case 'framework':
      return <FrameworkPage snapshot={snapshot} frameworkId={route.frameworkId} />;
    case 'tasks':
      return <TasksPage snapshot={snapshot} />;
    case 'sandbox':
      return <SandboxPage snapshot={snapshot} frameworkId={route.frameworkId} taskId={route.taskId} />;
    case 'roles':
      return <RolesPage snapshot={snapshot} />;
    case 'maintenance':
      return <MaintenancePage snapshot={snapshot} />;
    case 'not-found':
      return (
        <div class="page" id="not-found">
          <h1>Not found</h1>
          <p class="note">
            There is no page at <span class="mono">{route.path}</span>. <a href={href.overview()}>Go to the overview.</a>
          </p>
        </div>
      );
  }
}

export function App() {
  const route = useRoute();
  const snapshot = useCluster();
  const [version, setVersion] = useState<string | undefined>();
  useEffect(() => {
    getJson<{ version?: string }>('/version').then(
      (v) => setVersion(v.version),
      () => undefined,
    );
  }, []);
  const status = snapshot.status;
  return (
    <>
      <header class="top">
        <a class="brand" href={href.overview()}>
          mesos-ts{version === undefined ? null : <span class="version">{version}</span>}
        </a>
        <nav>
          {NAV.map(([label, link, pages]) => (
            <a key={label} href={link} class={pages.includes(route.page) ? 'active' : ''}>
              {label}
            </a>
          ))}
        </nav>
        <StreamIndicator snapshot={snapshot} />
      </header>
      {status.kind === 'down' ? (
        <div class="banner" role="status">
          Live updates are interrupted ({status.reason}); reconnecting. What is shown may be out of date.
        </div>
      ) : null}
      <main>
        <Page route={route} snapshot={snapshot} />
      </main>
    </>
  );
}
