/**
 * Command tasks with a MESOS container image, end to end: a real master and a real agent run as root with
 * `--isolation=filesystem/linux,cgroups/mem,namespaces/pid --launcher=linux --image_providers=docker` and a
 * directory of `docker save` archives as `--docker_registry`. As in Mesos, the command executor runs on the host
 * and only the task enters the provisioned root filesystem, with the sandbox at `/mnt/mesos/sandbox` and the
 * image's Entrypoint, Cmd, Env and WorkingDir applied.
 *
 * The image is the containerizer tests' busybox fixture (busybox-static, `/etc/motd` = "layer two", no
 * `/etc/debian_version`), built at test time. The agent's cgroups root is its own and removed after the suite;
 * no mount of the run may stay behind. Skipped when not root or without the memory and freezer cgroups.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ContainerInfo_Type,
  Image_Type,
  OperationState,
  Offer_Operation_Type,
  Resource_ReservationInfo_Type,
  TaskState,
  TaskStatus_Reason,
  Value_Type,
  Volume_Mode,
  scheduler,
  type ContainerInfo,
  type Offer,
  type Resource,
  type TaskInfo,
} from '@mesos-ts/proto';
import { eventually, startCluster, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask, stateName } from '../src/scheduler';

const REPO = join(__dirname, '..', '..', '..');
const CGROUP_MOUNT = '/sys/fs/cgroup';
const canIsolate = process.getuid?.() === 0 && existsSync(join(CGROUP_MOUNT, 'memory')) && existsSync(join(CGROUP_MOUNT, 'freezer'));
const describeRoot = canIsolate ? describe : describe.skip;

/** The parts of the containerizer's test fixture used here (imported at run time: it lives in another package's tests). */
interface BusyboxFixture {
  buildBusyboxImage(workDir: string): Promise<unknown>;
  writeDockerArchive(image: unknown, dir: string, name: string, repoTag: string): Promise<string>;
}

const IMAGE: ContainerInfo = { type: ContainerInfo_Type.MESOS, mesos: { image: { type: Image_Type.DOCKER, docker: { name: 'mesos-ts/busybox' } } } };

/** Mount points (from this process's mount table) under `dir`. */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point === dir || point.startsWith(`${dir}/`));
}

/** Kills whatever is left in the cgroups under `root` and removes them, deepest first. */
function removeCgroupRoot(root: string): void {
  for (const hierarchy of readdirSync(CGROUP_MOUNT)) {
    const dir = join(CGROUP_MOUNT, hierarchy, root);
    if (!existsSync(dir)) continue;
    const cgroups = [...readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(dir, e.name)), dir];
    for (const cgroup of cgroups) {
      const procs = existsSync(join(cgroup, 'cgroup.procs')) ? readFileSync(join(cgroup, 'cgroup.procs'), 'utf8') : '';
      for (const pid of procs.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
    }
    for (const cgroup of cgroups) {
      for (let i = 0; i < 50; i++) {
        try {
          rmdirSync(cgroup);
          break;
        } catch {
          execFileSync('sleep', ['0.1']);
        }
      }
    }
  }
}

describeRoot('command tasks with a MESOS image (executor on the host, task in the rootfs)', () => {
  const cgroupsRoot = `mesos-ts-e2e-image-${process.pid}-${Date.now()}`;
  const scratch = mkdtempSync(join(tmpdir(), 'mesos-ts-image-tasks-'));
  const archives = join(scratch, 'archives');
  let cluster: Cluster | undefined;
  let framework: TestScheduler | undefined;
  let workDir = '';

  beforeAll(async () => {
    // The rootfs script needs a static busybox at /bin/busybox; the image is built from one too.
    execFileSync('bash', [join(REPO, 'tools', 'scripts', 'ensure-busybox.sh')], { stdio: 'inherit', timeout: 300_000 });
    const fixturePath = join(REPO, 'packages', 'containerizer', 'test', 'fixtures', 'busybox-image');
    const fixture = (await import(fixturePath)) as BusyboxFixture;
    const image = await fixture.buildBusyboxImage(join(scratch, 'build'));
    await fixture.writeDockerArchive(image, archives, 'mesos-ts/busybox', 'mesos-ts/busybox:latest');
    cluster = await startCluster({
      agentFlags: [
        '--isolation=filesystem/linux,cgroups/mem,namespaces/pid',
        '--launcher=linux',
        '--image_providers=docker',
        `--docker_registry=${archives}`,
        `--docker_store_dir=${join(scratch, 'store')}`,
        `--cgroups_root=${cgroupsRoot}`,
        '--resources=cpus:2;mem:2048;disk:2048;ports:[31000-32000]',
      ],
    });
    workDir = cluster.agents[0]!.workDir;
    framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'image-tasks', role: 'img' } });
    await framework.subscribe();
  }, 360_000);

  afterAll(async () => {
    await framework?.close();
    // Every task has ended, so its container goes with its root filesystem; wait for that (a container still
    // ending is not a leak) before the agent stops and its work directory is removed.
    const left = workDir === '' ? [] : await eventually('the root filesystems to be unmounted', () => (mountsUnder(workDir).length === 0 ? [] : undefined), 30_000).catch(() => mountsUnder(workDir));
    await cluster?.stop();
    for (const point of [...mountsUnder(scratch), ...left].reverse()) {
      try {
        execFileSync('umount', ['-l', point]);
      } catch {
        // Already gone with its parent.
      }
    }
    removeCgroupRoot(cgroupsRoot);
    rmSync(scratch, { recursive: true, force: true });
    expect(left).toEqual([]);
  }, 60_000);

  /** The sandbox of a command task (its executor ID is the task ID). */
  function sandboxOf(taskId: string): string {
    const slaves = join(workDir, 'slaves');
    const agentId = readdirSync(slaves).find((d) => d !== 'latest')!;
    return join(slaves, agentId, 'frameworks', framework!.frameworkId, 'executors', taskId, 'runs', 'latest');
  }

  /** Launches one command task with the image on the first offer and waits for its terminal update. */
  async function run(taskId: string, command: TaskInfo['command']) {
    const [offer] = (await framework!.takeOffers()) as [Offer];
    await framework!.launch(offer, [commandTask(offer, taskId, '', 0.2, 64, { command, container: IMAGE })]);
    const terminal = [TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED, TaskState.TASK_LOST, TaskState.TASK_ERROR];
    const status = await eventually(`a terminal update of ${taskId}\n${cluster!.logs()}`, () => framework!.updatesOf(taskId).find((s) => terminal.includes(s.state!)), 90_000);
    return { status, states: framework!.updatesOf(taskId).map((s) => stateName(s.state!)) };
  }

  it('runs a shell command in the image, with the sandbox at /mnt/mesos/sandbox and the image Env and WorkingDir', async () => {
    expect(existsSync('/etc/debian_version')).toBe(true); // the host has it; the image must not
    const script = [
      'cat /etc/motd',
      'if [ -e /etc/debian_version ]; then echo host-file-visible; else echo no-debian-version; fi',
      'echo "greeting=$GREETING cwd=$(pwd) sandbox=$MESOS_SANDBOX"',
      'echo written-in-image > /mnt/mesos/sandbox/from-task.txt',
      'echo "pid=$$"',
    ].join('; ');
    const { status, states } = await run('image-shell', { shell: true, value: script });
    const sandbox = sandboxOf('image-shell');
    const stdout = readFileSync(join(sandbox, 'stdout'), 'utf8');
    expect({ state: stateName(status.state!), message: status.message }).toEqual({ state: 'TASK_FINISHED', message: 'Command exited with status 0' });
    expect(states).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    expect(stdout).toContain('layer two');
    expect(stdout).toContain('no-debian-version');
    expect(stdout).toContain('greeting=image cwd=/opt sandbox=/mnt/mesos/sandbox');
    // The task is in the container's pid namespace, whose pid 1 is the executor: it is not pid 1 itself.
    expect(stdout).toMatch(/pid=([2-9]|\d\d+)\n/);
    expect(readFileSync(join(sandbox, 'from-task.txt'), 'utf8')).toBe('written-in-image\n');
    // The executor itself ran on the host, with node, and logged to the sandbox's stderr.
    expect(readFileSync(join(sandbox, 'stderr'), 'utf8')).toContain('Starting task image-shell');
  }, 120_000);

  it("runs the image's Entrypoint and Cmd for a command without a value", async () => {
    const { status } = await run('image-entrypoint', { shell: false });
    expect(stateName(status.state!)).toBe('TASK_FINISHED');
    expect(readFileSync(join(sandboxOf('image-entrypoint'), 'stdout'), 'utf8')).toContain('hello from image in /opt args: from-cmd');
  }, 120_000);

  it('fails a command that exits non-zero in the image with TASK_FAILED and its exit status', async () => {
    const { status, states } = await run('image-exit-3', { shell: true, value: 'cat /etc/motd; exit 3' });
    expect({ state: stateName(status.state!), message: status.message }).toEqual({ state: 'TASK_FAILED', message: 'Command exited with status 3' });
    expect(states).toContain('TASK_RUNNING');
    expect(readFileSync(join(sandboxOf('image-exit-3'), 'stdout'), 'utf8')).toContain('layer two');
  }, 120_000);

  it('kills a task running in the image: TASK_KILLED, and its container goes', async () => {
    const [offer] = (await framework!.takeOffers()) as [Offer];
    const command = { shell: true, value: 'echo started > /mnt/mesos/sandbox/started; exec sleep 600' };
    await framework!.launch(offer, [commandTask(offer, 'image-kill', '', 0.2, 64, { command, container: IMAGE })]);
    await framework!.waitForState('image-kill', TaskState.TASK_RUNNING, 60_000);
    await eventually('the task to start in the image', () => (existsSync(join(sandboxOf('image-kill'), 'started')) ? true : undefined), 30_000);
    await framework!.client.kill('image-kill', offer.agentId?.value);
    const status = await framework!.waitForTerminal('image-kill', 60_000);
    expect({ state: stateName(status.state!), message: status.message }).toEqual({ state: 'TASK_KILLED', message: 'Command terminated with signal Terminated' });
    // Nothing of the container is left: no cgroup, no mount of its root filesystem.
    await eventually('the container cgroups to go', () => {
      const dir = join(CGROUP_MOUNT, 'memory', cgroupsRoot);
      return !existsSync(dir) || readdirSync(dir, { withFileTypes: true }).every((e) => !e.isDirectory()) ? true : undefined;
    }, 30_000);
    await eventually('the root filesystem mounts to go', () => (mountsUnder(workDir).length === 0 ? true : undefined), 30_000);
  }, 120_000);

  it('fails the launch of a program the image does not have, naming it', async () => {
    const { status } = await run('image-missing', { shell: false, value: 'no-such-program', arguments: ['no-such-program'] });
    expect(stateName(status.state!)).toBe('TASK_FAILED');
    expect(TaskStatus_Reason[status.reason!]).toBe('REASON_CONTAINER_LAUNCH_FAILED');
    expect(status.message).toContain("'no-such-program' was not found in the container's PATH '/bin'");
  }, 120_000);

  it('mounts a persistent volume at its absolute container path inside the image', async () => {
    const reserved = (volume?: Resource['disk']): Resource => ({
      name: 'disk',
      type: Value_Type.SCALAR,
      scalar: { value: 64 },
      reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'img' }],
      allocationInfo: { role: 'img' },
      ...(volume === undefined ? {} : { disk: volume }),
    });
    // Earlier tests leave offers of what their tasks did not use: take one that has the disk to reserve.
    const diskOf = (o: Offer): number => (o.resources ?? []).filter((r) => r.name === 'disk' && r.reservations === undefined).reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);
    const offer = await eventually('an offer with 64 MB of unreserved disk', async () => (await framework!.takeOffers()).find((o) => diskOf(o) >= 64));
    await framework!.client.accept(
      [offer.id!],
      [
        { type: Offer_Operation_Type.RESERVE, id: { value: 'img-reserve' }, reserve: { resources: [reserved()] } },
        { type: Offer_Operation_Type.CREATE, id: { value: 'img-create' }, create: { volumes: [reserved({ persistence: { id: 'img-vol' }, volume: { containerPath: '/srv/data', mode: Volume_Mode.RW } })] } },
      ],
      { refuseSeconds: 0 },
    );
    for (const id of ['img-reserve', 'img-create']) {
      const update = await framework!.waitFor(`${id} status`, (e) => e.type === scheduler.Event_Type.UPDATE_OPERATION_STATUS && e.updateOperationStatus?.status?.operationId?.value === id);
      expect([update.updateOperationStatus?.status?.state, update.updateOperationStatus?.status?.message]).toEqual([OperationState.OPERATION_FINISHED, undefined]);
    }
    const withVolume = await eventually('an offer with the volume', async () => {
      for (const o of await framework!.takeOffers()) {
        if ((o.resources ?? []).some((r) => r.disk?.persistence?.id === 'img-vol')) return o;
        await framework!.client.decline([o.id!], { refuseSeconds: 0 });
      }
      return undefined;
    });
    const vol = withVolume.resources!.find((r) => r.disk?.persistence?.id === 'img-vol')!;
    const task = commandTask(withVolume, 'image-volume', '', 0.2, 64, { command: { value: 'echo from-image > /srv/data/message; cat /etc/motd' }, container: IMAGE });
    await framework!.launch(withVolume, [{ ...task, resources: [...(task.resources ?? []), vol] }]);
    const status = await framework!.waitForTerminal('image-volume', 60_000);
    expect({ state: stateName(status.state!), message: status.message }).toEqual({ state: 'TASK_FINISHED', message: 'Command exited with status 0' });
    expect(readFileSync(join(workDir, 'volumes', 'roles', 'img', 'img-vol', 'message'), 'utf8')).toBe('from-image\n');
    expect(readFileSync(join(sandboxOf('image-volume'), 'stdout'), 'utf8')).toContain('layer two');
  }, 120_000);
});
