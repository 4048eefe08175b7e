/**
 * The master's metrics, under Mesos 1.11's names (src/master/metrics.cpp, src/master/allocator/mesos/metrics.cpp,
 * docs/monitoring.md): the allocator's (`allocator/mesos/...`) with its run timings, and the master's own
 * (`master/...`). `/metrics/snapshot`, the operator API's GET_METRICS and the Prometheus endpoint (`/metrics`)
 * all read {@link snapshotOf}. The gauges come from the incrementally kept state (state-cache.ts): a scrape
 * walks the agents and frameworks at most, never the tasks.
 */
import type { AllocatorDriver } from '@mesos-ts/allocator/driver';
import { TaskState } from '@mesos-ts/proto';
import { Counter, Gauge, Registry } from 'prom-client';
import type { MasterCore } from './core';
import { GAUGED_RESOURCES, stateCacheOf } from './state-cache';
import { nowSeconds } from './status';

/** The `/metrics/snapshot` body: the allocator's metrics, its run timings and the master's own. */
export function metricsSnapshot(driver: AllocatorDriver, uptimeSecs: number, master: Record<string, number> = {}): Record<string, number> {
  const out: Record<string, number> = { ...master };
  for (const [name, value] of driver.allocator.metrics()) out[name] = value;
  // No queue: the allocator runs on the master's thread, each call to completion.
  out['allocator/mesos/event_queue_dispatches'] = 0;
  const timings = driver.timings();
  if (timings.count > 0) {
    // Mesos's `Timer` metric layout: the statistics of a window of recent values.
    const base = 'allocator/mesos/allocation_run_ms';
    out[`${base}/count`] = timings.count;
    out[`${base}/min`] = timings.min;
    out[`${base}/max`] = timings.max;
    out[`${base}/p50`] = timings.p50;
    out[`${base}/p90`] = timings.p90;
    out[`${base}/p99`] = timings.p99;
  }
  out['master/elected'] = 1;
  out['master/uptime_secs'] = uptimeSecs;
  return out;
}

/** Task-state gauges over the tasks on registered agents (Mesos's `_tasks_staging` ...). */
const TASK_GAUGES: readonly [string, TaskState][] = [
  ['staging', TaskState.TASK_STAGING],
  ['starting', TaskState.TASK_STARTING],
  ['running', TaskState.TASK_RUNNING],
  ['killing', TaskState.TASK_KILLING],
];

/** The `master/...` metrics of a running master: gauges from the cache, counters from `core.counters`. */
export function masterMetrics(core: MasterCore): Record<string, number> {
  const cache = stateCacheOf(core);
  const out: Record<string, number> = {};
  let active = 0;
  let connected = 0;
  for (const f of core.frameworks.values()) {
    if (f.active) active++;
    if (f.state === 'connected') connected++;
  }
  out['master/frameworks_active'] = active;
  out['master/frameworks_inactive'] = core.frameworks.size - active;
  out['master/frameworks_connected'] = connected;
  out['master/frameworks_disconnected'] = core.frameworks.size - connected;
  let agentsActive = 0;
  let agentsConnected = 0;
  for (const a of core.agents.values()) {
    if (a.active) agentsActive++;
    if (a.connected) agentsConnected++;
  }
  out['master/slaves_active'] = agentsActive;
  out['master/slaves_inactive'] = core.agents.size - agentsActive;
  out['master/slaves_connected'] = agentsConnected;
  out['master/slaves_disconnected'] = core.agents.size - agentsConnected;
  out['master/slaves_unreachable'] = core.unreachable.size;
  out['master/outstanding_offers'] = core.offers.size;
  const states = cache.taskStateCounts();
  for (const [name, state] of TASK_GAUGES) out[`master/tasks_${name}`] = states.get(state) ?? 0;
  // Unreachable tasks are kept per framework, bounded by --max_completed_tasks_per_framework.
  let unreachable = 0;
  for (const f of core.frameworks.values()) for (const t of f.unreachableTasks.values()) if (t.task.state === TaskState.TASK_UNREACHABLE) unreachable++;
  out['master/tasks_unreachable'] = unreachable;
  for (const [name, value] of Object.entries(core.counters)) out[`master/${name}`] = value;
  const figures = cache.resourceFigures();
  for (const name of GAUGED_RESOURCES) {
    const f = figures[name];
    out[`master/${name}_total`] = f.total;
    out[`master/${name}_used`] = f.used;
    out[`master/${name}_percent`] = f.total === 0 ? 0 : f.used / f.total;
    out[`master/${name}_revocable_total`] = f.revocableTotal;
    out[`master/${name}_revocable_used`] = f.revocableUsed;
    out[`master/${name}_revocable_percent`] = f.revocableTotal === 0 ? 0 : f.revocableUsed / f.revocableTotal;
  }
  // The master handles each message to completion on its one thread: its queues are always empty.
  out['master/event_queue_messages'] = 0;
  out['master/event_queue_dispatches'] = 0;
  out['master/event_queue_http_requests'] = 0;
  out['master/operator_event_stream_subscribers'] = 0;
  out['master/elected'] = 1;
  return out;
}

/** Every metric of a running master, name -> value. */
export function snapshotOf(core: MasterCore): Record<string, number> {
  return metricsSnapshot(core.driver, nowSeconds() - core.startTime, masterMetrics(core));
}

// ------------------------------------------------------------------------------------------------ Prometheus

/** What `/metrics` answers with: Prometheus's text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** A Mesos metric name as a Prometheus metric: its name and labels. */
export interface PrometheusName {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The Mesos name, or its pattern for a labelled metric, for `# HELP`. */
  readonly mesos: string;
}

/** Mesos names with a variable part (a role, a resource, a statistic), turned into labels. */
const LABELLED: readonly [RegExp, string, readonly string[], string][] = [
  [/^allocator\/mesos\/roles\/(.+)\/shares\/dominant$/, 'allocator_mesos_roles_shares_dominant', ['role'], 'allocator/mesos/roles/<role>/shares/dominant'],
  [/^allocator\/mesos\/offer_filters\/roles\/(.+)\/active$/, 'allocator_mesos_offer_filters_roles_active', ['role'], 'allocator/mesos/offer_filters/roles/<role>/active'],
  [
    /^allocator\/mesos\/quota\/roles\/(.+)\/resources\/([^/]+)\/(guarantee|limit|consumed|offered_or_allocated)$/,
    'allocator_mesos_quota_roles_resources_$3',
    ['role', 'resource'],
    'allocator/mesos/quota/roles/<role>/resources/<resource>/$3',
  ],
  [/^allocator\/mesos\/resources\/([^/]+)\/(total|offered_or_allocated)$/, 'allocator_mesos_resources_$2', ['resource'], 'allocator/mesos/resources/<resource>/$2'],
  [/^allocator\/mesos\/allocation_run_ms\/(count|min|max|p\d+)$/, 'allocator_mesos_allocation_run_ms', ['statistic'], 'allocator/mesos/allocation_run_ms/<statistic>'],
];

/** Mesos counters (monotonic); every other metric is a gauge. */
function isCounter(mesosName: string): boolean {
  return (
    /^master\/(tasks_(finished|failed|killed|lost|error|dropped|gone|gone_by_operator)|messages_.*|(valid|invalid)_.*|slave_(registrations|reregistrations|removals|unreachable_.*)|frameworks_registered_total|invalid_scheduler_calls)$/.test(
      mesosName,
    ) || mesosName === 'allocator/mesos/allocation_runs'
  );
}

function sanitize(text: string): string {
  return text.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * The Prometheus name of a Mesos metric: `mesos_` + the name with every character other than `[a-zA-Z0-9_]`
 * replaced by `_` (`master/cpus_total` -> `mesos_master_cpus_total`), except the names with a role, resource or
 * timer statistic in them, which become one metric with labels
 * (`allocator/mesos/roles/web/shares/dominant` -> `mesos_allocator_mesos_roles_shares_dominant{role="web"}`).
 */
export function prometheusName(mesosName: string): PrometheusName {
  for (const [pattern, template, labelNames, mesos] of LABELLED) {
    const match = pattern.exec(mesosName);
    if (match === null) continue;
    const fill = (text: string): string => text.replace(/\$(\d)/g, (_m, i: string) => match[Number(i)] ?? '');
    const name = `mesos_${fill(template)}`;
    const labels: Record<string, string> = {};
    labelNames.forEach((label, i) => {
      labels[label] = match[i + 1] ?? '';
    });
    return { name, labels, mesos: fill(mesos) };
  }
  return { name: `mesos_${sanitize(mesosName)}`, labels: {}, mesos: mesosName };
}

/** The snapshot in Prometheus's text format, with `# HELP` and `# TYPE` lines, through prom-client. */
export async function prometheusText(snapshot: Readonly<Record<string, number>>): Promise<string> {
  const registry = new Registry();
  const metrics = new Map<string, Gauge | Counter>();
  for (const mesosName of Object.keys(snapshot).sort()) {
    const value = snapshot[mesosName]!;
    if (!Number.isFinite(value)) continue;
    const { name, labels, mesos } = prometheusName(mesosName);
    let metric = metrics.get(name);
    const labelNames = Object.keys(labels);
    if (metric === undefined) {
      const help = `Mesos metric ${mesos}`;
      const config = { name, help, labelNames, registers: [registry] };
      metric = isCounter(mesosName) && labelNames.length === 0 ? new Counter(config) : new Gauge(config);
      metrics.set(name, metric);
    }
    if (metric instanceof Counter) metric.inc(value);
    else metric.set(labels, value);
  }
  return registry.metrics();
}
