/**
 * `npm run bench:containers` (root only; not part of `npm test` or `npm run bench`): the Mesos containerizer's
 * figures against the real kernel.
 *
 * 1. Launch-to-running latency, p50/p99 over `BENCH_LATENCY_N` (default 50) containers launched one after
 *    another, for the posix launcher, for cgroups (cpu, mem, pids) + namespaces (linux launcher, pid namespace),
 *    and for an image root filesystem (filesystem/linux with the busybox test image, overlay backend). "Running"
 *    is when `launch` resolves: the task's process runs in its cgroups, namespaces and root filesystem.
 * 2. 1000 containers (`BENCH_SCALE_N`) on one containerizer with cgroups + namespaces, each a `sleep`, launched
 *    concurrently with at most `BENCH_CONCURRENCY` (default 32) launches in flight, then all destroyed the same
 *    way: wall time for each, beside Mesos 1.7's (~30 s and ~20 s) and the targets (<= 10 s and <= 5 s).
 *
 * Everything it makes (cgroups under `mesos_ts_bench_<pid>`, sandboxes, the image, root filesystems) is removed
 * at the end, also after a failure. `BENCH_JSON=<file>` appends the figures as JSON lines.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ContainerInfo_Type, Image_Type, type CommandInfo, type ContainerInfo, type Resource } from '@mesos-ts/proto';
import { MesosContainerizer, type MesosContainerizerOptions } from '../src/mesos-containerizer';
import { measureLatency, type LatencyReport } from '../src/mesos-containerizer-bench';
import { Provisioner } from '../src/provisioner';
import { unmountAll } from '../src/provisioner/backends';
import type { ContainerConfig } from '../src/types';
import { buildBusyboxImage, ensureBusybox, writeDockerArchive } from '../test/fixtures/busybox-image';

const WORK = `/tmp/mesos_ts_bench_containers_${process.pid}`;
const CGROUPS_ROOT = `mesos_ts_bench_${process.pid}`;
const envInt = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const LATENCY_N = envInt('BENCH_LATENCY_N', 50);
const SCALE_N = envInt('BENCH_SCALE_N', 1000);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 32);

const scalar = (name: string, value: number): Resource => ({ name, type: 1, scalar: { value } }) as Resource;
const RESOURCES = [scalar('cpus', 0.1), scalar('mem', 32)];
const SLEEP: CommandInfo = { shell: false, value: '/bin/sleep', arguments: ['sleep', '1000'] };
// The test image has no `sleep` link: call the applet through busybox.
const IMAGE_SLEEP: CommandInfo = { shell: false, value: '/bin/busybox', arguments: ['busybox', 'sleep', '1000'] };
const IMAGE: ContainerInfo = {
  type: ContainerInfo_Type.MESOS,
  mesos: { image: { type: Image_Type.DOCKER, docker: { name: 'mesos-ts/busybox' } } },
};

interface Figure {
  readonly scenario: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly reference?: string;
  readonly target?: string;
}
const figures: Figure[] = [];
function record(figure: Figure): void {
  figures.push(figure);
  const extra = [figure.reference ? `Mesos 1.7: ${figure.reference}` : '', figure.target ? `target: ${figure.target}` : ''].filter(Boolean).join(', ');
  console.log(`  ${figure.metric.padEnd(34)} ${String(figure.value).padStart(9)} ${figure.unit}${extra ? `   (${extra})` : ''}`);
  if (process.env.BENCH_JSON) appendFileSync(process.env.BENCH_JSON, `${JSON.stringify(figure)}\n`);
}

const made: MesosContainerizer[] = [];
let sandboxes = 0;

async function containerizer(options: MesosContainerizerOptions): Promise<MesosContainerizer> {
  const created = await MesosContainerizer.create({ cgroupsRoot: CGROUPS_ROOT, ...options });
  if (!created.ok) throw created.error;
  made.push(created.value);
  return created.value;
}

async function config(id: string, command: CommandInfo, container?: ContainerInfo): Promise<ContainerConfig> {
  const sandbox = join(WORK, 'sandboxes', String((sandboxes += 1)));
  await mkdir(sandbox, { recursive: true });
  return {
    containerId: id,
    command,
    environment: { PATH: '/usr/local/bin:/usr/bin:/bin' },
    sandbox,
    resources: RESOURCES,
    ...(container ? { container } : {}),
  };
}

function printLatency(scenario: string, report: LatencyReport): void {
  console.log(`${scenario} (${report.count} containers, one at a time)`);
  record({ scenario, metric: 'launch-to-running p50', value: report.launchP50, unit: 'ms' });
  record({ scenario, metric: 'launch-to-running p99', value: report.launchP99, unit: 'ms' });
  record({ scenario, metric: 'destroy p50', value: report.destroyP50, unit: 'ms' });
  record({ scenario, metric: 'destroy p99', value: report.destroyP99, unit: 'ms' });
}

/** Runs `work(i)` for i in [0, n) with at most `limit` in flight. */
async function bounded(n: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next;
      next += 1;
      await work(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

async function scale(): Promise<void> {
  const scenario = `scale cgroups+namespaces`;
  const c = await containerizer({ launcher: 'linux', isolation: ['cgroups/cpu', 'cgroups/mem', 'namespaces/pid'] });
  const configs = await Promise.all(Array.from({ length: SCALE_N }, (_, i) => config(`scale-${i}`, SLEEP)));
  console.log(`${scenario} (${SCALE_N} containers, ${CONCURRENCY} at a time, each a sleep)`);
  let start = performance.now();
  await bounded(SCALE_N, CONCURRENCY, async (i) => {
    const launched = await c.launch(configs[i]!);
    if (!launched.ok) throw launched.error;
  });
  const launchMs = performance.now() - start;
  if (c.containers().length !== SCALE_N) throw new Error(`expected ${SCALE_N} running containers, found ${c.containers().length}`);
  record({ scenario, metric: `launch ${SCALE_N} containers`, value: Math.round(launchMs) / 1000, unit: 's', reference: '~30 s', target: '<= 10 s' });
  start = performance.now();
  await bounded(SCALE_N, CONCURRENCY, async (i) => {
    const termination = await c.destroy(configs[i]!.containerId);
    if (termination === undefined) throw new Error(`container ${configs[i]!.containerId} was unknown at destroy`);
  });
  const destroyMs = performance.now() - start;
  if (c.containers().length !== 0) throw new Error(`${c.containers().length} containers still running after destroy`);
  record({ scenario, metric: `destroy ${SCALE_N} containers`, value: Math.round(destroyMs) / 1000, unit: 's', reference: '~20 s', target: '<= 5 s' });
}

async function cleanup(): Promise<void> {
  for (const c of made) {
    await Promise.all(c.containers().map((id) => c.destroy(id)));
    await c.recover([]).catch(() => undefined);
    await c.cgroups?.removeRoot().catch((error: unknown) => console.error(`cannot remove the cgroups root: ${(error as Error).message}`));
  }
  await unmountAll(WORK).catch((error: unknown) => console.error(`cannot unmount under ${WORK}: ${(error as Error).message}`));
  await rm(WORK, { recursive: true, force: true });
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench:containers needs root (cgroups, namespaces, mounts)');
  if (!existsSync('/usr/bin/unshare')) throw new Error('bench:containers needs util-linux (unshare)');
  console.log(`mesos-ts containerizer bench: ${readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length} CPUs, node ${process.version}`);
  await mkdir(WORK, { recursive: true });
  try {
    const busybox = await ensureBusybox();
    const archives = join(WORK, 'archives');
    await writeDockerArchive(await buildBusyboxImage(join(WORK, 'build')), archives, 'mesos-ts/busybox', 'mesos-ts/busybox:latest');
    const provisioner = new Provisioner({ storeDir: join(WORK, 'store'), provisionerDir: join(WORK, 'provisioner'), registryDir: archives });
    await provisioner.recover([]);

    const posix = await containerizer({ launcher: 'posix', isolation: ['posix/cpu', 'posix/mem'] });
    printLatency('posix', await measureLatency(posix, LATENCY_N, (i) => config(`posix-${i}`, SLEEP)));
    const linux = await containerizer({ launcher: 'linux', isolation: ['cgroups/cpu', 'cgroups/mem', 'cgroups/pids', 'namespaces/pid'] });
    printLatency('cgroups+namespaces', await measureLatency(linux, LATENCY_N, (i) => config(`linux-${i}`, SLEEP)));
    const image = await containerizer({
      launcher: 'linux',
      isolation: ['filesystem/linux', 'cgroups/cpu', 'cgroups/mem', 'namespaces/pid'],
      provisioner,
      tools: { busybox },
    });
    // The first launch pulls the image into the store; the figures are for launches from the store.
    const warm = await image.launch(await config('image-warm', IMAGE_SLEEP, IMAGE));
    if (!warm.ok) throw warm.error;
    await image.destroy('image-warm');
    printLatency(`image rootfs (${provisioner.backend})`, await measureLatency(image, LATENCY_N, (i) => config(`image-${i}`, IMAGE_SLEEP, IMAGE)));

    await scale();
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench:containers failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
