/**
 * `/metrics/snapshot` under Mesos 1.11's names, with values that follow the cluster, and `/metrics` in
 * Prometheus's text format, parsed back and checked against the snapshot.
 */
import { TaskState } from '@mesos-ts/proto';
import { prometheusName } from '../src/metrics';
import { cluster, commandTask, TestFramework, type Cluster } from './helpers';

/** Names from src/master/metrics.cpp and src/master/allocator/mesos/metrics.cpp that we serve. */
const MESOS_NAMES = [
  'master/uptime_secs',
  'master/elected',
  'master/slaves_connected',
  'master/slaves_disconnected',
  'master/slaves_active',
  'master/slaves_inactive',
  'master/slaves_unreachable',
  'master/frameworks_connected',
  'master/frameworks_disconnected',
  'master/frameworks_active',
  'master/frameworks_inactive',
  'master/outstanding_offers',
  'master/tasks_staging',
  'master/tasks_starting',
  'master/tasks_running',
  'master/tasks_unreachable',
  'master/tasks_killing',
  'master/tasks_finished',
  'master/tasks_failed',
  'master/tasks_killed',
  'master/tasks_lost',
  'master/tasks_error',
  'master/tasks_dropped',
  'master/tasks_gone',
  'master/tasks_gone_by_operator',
  'master/messages_framework_to_executor',
  'master/messages_executor_to_framework',
  'master/valid_status_updates',
  'master/invalid_status_updates',
  'master/valid_status_update_acknowledgements',
  'master/invalid_status_update_acknowledgements',
  'master/event_queue_messages',
  'master/event_queue_dispatches',
  'master/event_queue_http_requests',
  'master/slave_registrations',
  'master/slave_reregistrations',
  'master/slave_removals',
  'master/slave_unreachable_completed',
  'master/cpus_total',
  'master/cpus_used',
  'master/cpus_percent',
  'master/mem_total',
  'master/mem_used',
  'master/mem_percent',
  'master/disk_total',
  'master/disk_used',
  'master/disk_percent',
  'master/gpus_total',
  'master/gpus_used',
  'master/gpus_percent',
  'master/cpus_revocable_total',
  'master/cpus_revocable_used',
  'master/cpus_revocable_percent',
  'allocator/mesos/allocation_runs',
  'allocator/mesos/allocation_run_ms/count',
  'allocator/mesos/allocation_run_ms/p50',
  'allocator/mesos/allocation_run_ms/p99',
  'allocator/mesos/event_queue_dispatches',
  'allocator/mesos/resources/cpus/total',
  'allocator/mesos/resources/cpus/offered_or_allocated',
  'allocator/mesos/roles/*/shares/dominant',
];

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses Prometheus's text format 0.0.4: samples, and the HELP and TYPE of each metric. */
function parsePrometheus(text: string): { samples: Sample[]; help: Map<string, string>; type: Map<string, string> } {
  const samples: Sample[] = [];
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta !== null) {
      (meta[1] === 'HELP' ? help : type).set(meta[2]!, meta[3]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (sample === null) throw new Error(`Not a Prometheus line: '${line}'`);
    const labels: Record<string, string> = {};
    for (const m of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!;
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { samples, help, type };
}

describe('metrics', () => {
  let c: Cluster;
  let f: TestFramework;

  beforeAll(async () => {
    c = await cluster(1, [], { agent: { onLaunch: 'run' } });
    f = new TestFramework(c.url);
    await f.subscribe();
    const [offer] = await f.offers();
    await f.client.launch(offer!, [commandTask(offer!, 'm1', 'cpus:1;mem:1024')]);
    await f.client.acknowledge(await f.update('m1', TaskState.TASK_RUNNING));
  });
  afterAll(async () => {
    f.close();
    await c.stop();
  });

  it("serves Mesos's metric names with values that follow the cluster", async () => {
    const res = await fetch(`${c.url}/metrics/snapshot`);
    expect(res.headers.get('content-type')).toBe('application/json');
    const m = (await res.json()) as Record<string, number>;
    expect(MESOS_NAMES.filter((name) => !(name in m))).toEqual([]);
    expect(m['master/elected']).toBe(1);
    expect(m['master/uptime_secs']).toBeGreaterThan(0);
    expect(m['master/slaves_active']).toBe(1);
    expect(m['master/slaves_connected']).toBe(1);
    expect(m['master/frameworks_active']).toBe(1);
    expect(m['master/tasks_running']).toBe(1);
    expect(m['master/cpus_total']).toBe(4);
    expect(m['master/cpus_used']).toBe(1);
    expect(m['master/cpus_percent']).toBe(0.25);
    expect(m['master/mem_used']).toBe(1024);
    expect(m['master/slave_registrations']).toBe(1);
    expect(m['master/valid_status_updates']).toBeGreaterThanOrEqual(1);
    // A kill moves the gauges and the counters.
    await f.client.kill('m1');
    await f.update('m1', TaskState.TASK_KILLED);
    const after = (await (await fetch(`${c.url}/metrics/snapshot`)).json()) as Record<string, number>;
    expect(after['master/tasks_running']).toBe(0);
    expect(after['master/tasks_killed']).toBe(1);
    expect(after['master/cpus_used']).toBe(0);
    // Mesos's per-message counters: one SUBSCRIBE, one LAUNCH, one ACKNOWLEDGE, one KILL, the agent's registration
    // and its status updates (RUNNING and KILLED at least).
    expect(after['master/messages_register_framework']).toBe(1);
    expect(after['master/messages_reregister_framework']).toBe(0);
    expect(after['master/messages_launch_tasks']).toBe(1);
    expect(after['master/messages_status_update_acknowledgement']).toBe(1);
    expect(after['master/messages_kill_task']).toBe(1);
    expect(after['master/messages_register_slave']).toBe(1);
    expect(after['master/messages_status_update']).toBeGreaterThanOrEqual(2);
    expect(after['master/messages_authenticate']).toBe(0);
  });

  it('maps Mesos names to Prometheus names and labels', () => {
    expect(prometheusName('master/cpus_total')).toEqual({ name: 'mesos_master_cpus_total', labels: {}, mesos: 'master/cpus_total' });
    expect(prometheusName('allocator/mesos/roles/a/b/shares/dominant')).toMatchObject({ name: 'mesos_allocator_mesos_roles_shares_dominant', labels: { role: 'a/b' } });
    expect(prometheusName('allocator/mesos/quota/roles/web/resources/cpus/guarantee')).toMatchObject({
      name: 'mesos_allocator_mesos_quota_roles_resources_guarantee',
      labels: { role: 'web', resource: 'cpus' },
    });
    expect(prometheusName('allocator/mesos/allocation_run_ms/p99')).toMatchObject({ name: 'mesos_allocator_mesos_allocation_run_ms', labels: { statistic: 'p99' } });
  });

  it('serves the same values in Prometheus text format at /metrics', async () => {
    const res = await fetch(`${c.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { samples, help, type } = parsePrometheus(await res.text());
    const snapshot = (await (await fetch(`${c.url}/metrics/snapshot`)).json()) as Record<string, number>;
    const byKey = new Map(samples.map((s) => [`${s.name}${JSON.stringify(s.labels)}`, s.value]));
    for (const name of ['master/cpus_total', 'master/slaves_active', 'master/tasks_killed', 'master/slave_registrations', 'allocator/mesos/resources/cpus/total']) {
      const p = prometheusName(name);
      expect([name, byKey.get(`${p.name}${JSON.stringify(p.labels)}`)]).toEqual([name, snapshot[name]]);
    }
    expect(byKey.get('mesos_allocator_mesos_roles_shares_dominant{"role":"*"}')).toBeDefined();
    for (const s of samples) {
      expect(help.has(s.name)).toBe(true);
      expect(['gauge', 'counter']).toContain(type.get(s.name));
    }
    expect(type.get('mesos_master_tasks_killed')).toBe('counter');
    expect(type.get('mesos_master_cpus_used')).toBe('gauge');
    expect(help.get('mesos_master_cpus_used')).toBe('Mesos metric master/cpus_used');
  });
});
