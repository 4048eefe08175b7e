/**
 * The Docker containerizer against a real Docker Engine API: podman's service (test/docker-support.ts), with a
 * busybox image built and loaded by the suite. Needs root (podman runs rootful); skipped otherwise.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ContainerInfo_DockerInfo_Network,
  ContainerInfo_Type,
  Value_Type,
  Volume_Mode,
  type ContainerInfo,
  type Resource,
} from '@mesos-ts/proto';
import { DockerContainerizer } from '../src/docker/docker-containerizer';
import type { DockerContainerConfig } from '../src/docker/create-options';
import { TEST_IMAGE, startPodman, type PodmanEngine } from './docker-support';

const isRoot = process.getuid?.() === 0;
const describeRoot = isRoot ? describe : describe.skip;

const scalar = (name: string, value: number): Resource => ({ name, type: Value_Type.SCALAR, scalar: { value } });

describeRoot('DockerContainerizer on podman', () => {
  let engine: PodmanEngine;
  let containerizer: DockerContainerizer;
  const dirs: string[] = [];

  beforeAll(async () => {
    engine = await startPodman();
    containerizer = new DockerContainerizer({
      socketPath: engine.socketPath,
      ...(process.env.DOCKER_TEST_LOG
        ? { logger: { info: console.log, warn: console.warn, error: console.error, debug: console.log } }
        : {}),
    });
  }, 300_000);

  afterEach(async () => {
    await Promise.all(containerizer.containers().map((id) => containerizer.destroy(id)));
  }, 60_000);

  afterAll(async () => {
    await engine?.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }, 120_000);

  async function tempDir(): Promise<string> {
    const dir = await realpath(await mkdtemp(join(tmpdir(), 'docker-test-')));
    dirs.push(dir);
    return dir;
  }

  async function config(
    command: string,
    container: Partial<ContainerInfo> & { docker?: ContainerInfo['docker'] } = {},
    extra: Partial<DockerContainerConfig> = {},
  ): Promise<DockerContainerConfig> {
    return {
      containerId: randomUUID(),
      command: { value: command },
      environment: {},
      sandbox: await tempDir(),
      resources: [],
      ...extra,
      container: {
        type: ContainerInfo_Type.DOCKER,
        ...container,
        // NONE is the fastest network on podman; tests that need another say so.
        docker: { image: TEST_IMAGE, network: ContainerInfo_DockerInfo_Network.NONE, ...container.docker },
      },
    };
  }

  async function launch(cfg: DockerContainerConfig): Promise<void> {
    const launched = await containerizer.launch(cfg);
    if (!launched.ok) throw launched.error;
  }

  const inspectByName = (containerId: string) => engine.docker.getContainer(`mesos-${containerId}`).inspect();

  test('runs a task that writes to stdout and stderr and exits 3: status and output land in the sandbox', async () => {
    const cfg = await config('echo hello from docker; echo oops >&2; exit 3');
    await launch(cfg);
    const termination = await containerizer.wait(cfg.containerId);
    expect(termination).toEqual({ status: 3 << 8, exitCode: 3, message: 'Container exited with status 3' });
    expect(await readFile(join(cfg.sandbox, 'stdout'), 'utf8')).toBe('hello from docker\n');
    expect(await readFile(join(cfg.sandbox, 'stderr'), 'utf8')).toBe('oops\n');
    // Ended containers are removed, and forgotten by containers() but still answered by wait().
    await expect(inspectByName(cfg.containerId)).rejects.toMatchObject({ statusCode: 404 });
    expect(containerizer.containers()).not.toContain(cfg.containerId);
    expect(await containerizer.wait(cfg.containerId)).toEqual(termination);
  }, 60_000);

  test('sets cpu shares and the memory limit from the resources (and a CFS quota when enabled)', async () => {
    const withCfs = new DockerContainerizer({ docker: engine.docker, enableCfsQuota: true });
    const cfg = await config('sleep 300', {}, { resources: [scalar('cpus', 0.5), scalar('mem', 64)] });
    const launched = await withCfs.launch(cfg);
    if (!launched.ok) throw launched.error;
    try {
      const inspected = await inspectByName(cfg.containerId);
      expect(inspected.HostConfig.Memory).toBe(64 * 1024 * 1024);
      expect(inspected.HostConfig.CpuShares).toBe(512);
      expect(inspected.HostConfig.CpuQuota).toBe(50_000);
      expect(inspected.HostConfig.CpuPeriod).toBe(100_000);
      expect(inspected.Name.replace(/^\//, '')).toBe(`mesos-${cfg.containerId}`);
    } finally {
      await withCfs.destroy(cfg.containerId);
    }
  }, 60_000);

  test('memory below Mesos minimum is raised to 32 MB', async () => {
    const cfg = await config('sleep 300', {}, { resources: [scalar('mem', 8)] });
    await launch(cfg);
    expect((await inspectByName(cfg.containerId)).HostConfig.Memory).toBe(32 * 1024 * 1024);
  }, 60_000);

  test('passes the environment, mounts the sandbox at /mnt/mesos/sandbox and host volumes', async () => {
    const data = await tempDir();
    await writeFile(join(data, 'input.txt'), 'from the host\n');
    const cfg = await config(
      'echo "$GREETING $FROM_COMMAND $MESOS_SANDBOX $MESOS_CONTAINER_NAME"; cat /data/input.txt; ' +
        'echo written > $MESOS_SANDBOX/out.txt; touch /data/denied 2>/dev/null || echo read-only',
      { volumes: [{ hostPath: data, containerPath: '/data', mode: Volume_Mode.RO }] },
      { environment: { GREETING: 'hi' } },
    );
    const withEnv: DockerContainerConfig = {
      ...cfg,
      command: { ...cfg.command, environment: { variables: [{ name: 'FROM_COMMAND', value: 'cmd' }] } },
    };
    await launch(withEnv);
    expect(await containerizer.wait(cfg.containerId)).toMatchObject({ exitCode: 0 });
    expect(await readFile(join(cfg.sandbox, 'stdout'), 'utf8')).toBe(
      `hi cmd /mnt/mesos/sandbox mesos-${cfg.containerId}\nfrom the host\nread-only\n`,
    );
    expect(await readFile(join(cfg.sandbox, 'out.txt'), 'utf8')).toBe('written\n');
  }, 60_000);

  test('runs a non-shell command as the arguments of the image entrypoint', async () => {
    const cfg = await config('');
    const argv: DockerContainerConfig = {
      ...cfg,
      command: { shell: false, value: 'sh', arguments: ['-c', 'echo argv works; exit 4'] },
    };
    await launch(argv);
    expect(await containerizer.wait(cfg.containerId)).toMatchObject({ exitCode: 4 });
    expect(await readFile(join(cfg.sandbox, 'stdout'), 'utf8')).toBe('argv works\n');
  }, 60_000);

  test('maps parameters onto the create request (label, env, ulimit)', async () => {
    const cfg = await config('echo "$EXTRA"; ulimit -n; exit 0', {
      docker: {
        image: TEST_IMAGE,
        network: ContainerInfo_DockerInfo_Network.NONE,
        parameters: [
          { key: 'label', value: 'team=mesos-ts' },
          { key: 'env', value: 'EXTRA=from-parameter' },
          { key: 'ulimit', value: 'nofile=512:512' },
          // podman replaces its default ulimits with these; this host cannot raise nproc (PLATFORM.md §4).
          { key: 'ulimit', value: 'nproc=4096:4096' },
        ],
      },
    });
    const keep = new DockerContainerizer({ docker: engine.docker, removeContainers: false });
    const launched = await keep.launch(cfg);
    if (!launched.ok) throw launched.error;
    expect(await keep.wait(cfg.containerId)).toMatchObject({ exitCode: 0 });
    const inspected = await inspectByName(cfg.containerId);
    await engine.docker.getContainer(inspected.Id).remove({ force: true });
    expect(inspected.Config.Labels).toMatchObject({ team: 'mesos-ts' });
    expect(await readFile(join(cfg.sandbox, 'stdout'), 'utf8')).toBe('from-parameter\n512\n');
  }, 60_000);

  test('publishes the offered host port on the BRIDGE network', async () => {
    const port = 31_000 + (process.pid % 2000);
    const cfg = await config(
      'echo hello-port | nc -l -p 8080',
      {
        docker: {
          image: TEST_IMAGE,
          network: ContainerInfo_DockerInfo_Network.BRIDGE,
          portMappings: [{ hostPort: port, containerPort: 8080, protocol: 'tcp' }],
        },
      },
      {
        resources: [
          { name: 'ports', type: Value_Type.RANGES, ranges: { range: [{ begin: BigInt(port), end: BigInt(port) }] } },
        ],
      },
    );
    await launch(cfg);
    const inspected = await inspectByName(cfg.containerId);
    expect(inspected.HostConfig.PortBindings).toMatchObject({ '8080/tcp': [{ HostPort: String(port) }] });
    // The listener needs a moment after the start; retry the connection for a while.
    let received = '';
    for (let attempt = 0; attempt < 50 && !received.includes('hello-port'); attempt += 1) {
      received = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk.toString();
        });
        socket.on('end', () => resolve(text));
        socket.on('error', () => resolve(''));
        setTimeout(() => socket.destroy(), 2000).unref();
        socket.on('close', () => resolve(text));
      });
      if (!received.includes('hello-port')) await new Promise((r) => setTimeout(r, 200));
    }
    expect(received).toBe('hello-port\n');
  }, 90_000);

  test('destroy with a grace period stops a sleep: SIGTERM ignored by PID 1, killed after the grace', async () => {
    const cfg = await config('exec sleep 300');
    await launch(cfg);
    const started = Date.now();
    const termination = await containerizer.destroy(cfg.containerId, 1000);
    const took = Date.now() - started;
    expect(termination).toMatchObject({
      exitCode: 137,
      message: 'Container destroyed: Container exited with status 137',
    });
    // The engine waited the grace period before killing (sleep as PID 1 has no SIGTERM handler).
    expect(took).toBeGreaterThanOrEqual(900);
    await expect(inspectByName(cfg.containerId)).rejects.toMatchObject({ statusCode: 404 });
    // Idempotent: later calls answer the same.
    expect(await containerizer.destroy(cfg.containerId, 1000)).toEqual(termination);
  }, 60_000);

  test('destroy lets a task that handles SIGTERM finish within the grace period', async () => {
    const cfg = await config('trap "echo got TERM; exit 0" TERM; echo ready; while :; do sleep 0.1; done');
    await launch(cfg);
    // Wait until the trap is installed (the first line is printed after it).
    const deadline = Date.now() + 20_000;
    while (!(await readFile(join(cfg.sandbox, 'stdout'), 'utf8')).includes('ready')) {
      if (Date.now() > deadline) throw new Error('task never became ready');
      await new Promise((r) => setTimeout(r, 50));
    }
    const termination = await containerizer.destroy(cfg.containerId, 10_000);
    expect(termination).toMatchObject({ exitCode: 0, message: 'Container destroyed: Container exited with status 0' });
    expect(await readFile(join(cfg.sandbox, 'stdout'), 'utf8')).toBe('ready\ngot TERM\n');
  }, 60_000);

  test('destroy without grace kills at once', async () => {
    const cfg = await config('sleep 300');
    await launch(cfg);
    expect(await containerizer.destroy(cfg.containerId)).toMatchObject({ exitCode: 137 });
  }, 60_000);

  test('usage returns numbers from the stats API', async () => {
    const cfg = await config('while :; do :; done', {}, { resources: [scalar('cpus', 0.5), scalar('mem', 64)] });
    await launch(cfg);
    await new Promise((r) => setTimeout(r, 500));
    const usage = await containerizer.usage(cfg.containerId);
    if (!usage.ok) throw usage.error;
    expect(usage.value.timestamp).toBeGreaterThan(1e9);
    expect(usage.value.cpusLimit).toBe(0.5);
    expect(usage.value.memLimitBytes).toBe(64n * 1024n * 1024n);
    expect(usage.value.cpusUserTimeSecs! + usage.value.cpusSystemTimeSecs!).toBeGreaterThan(0);
    expect(usage.value.memTotalBytes).toBeGreaterThan(0n);
    expect(usage.value.processes).toBeGreaterThanOrEqual(1);
    const unknown = await containerizer.usage('no-such-container');
    expect(unknown.ok ? undefined : unknown.error.code).toBe('NOT_FOUND');
  }, 60_000);

  test('recover removes a stray mesos-* container and leaves other containers alone', async () => {
    const strayId = randomUUID();
    const stray = await engine.docker.createContainer({
      name: `mesos-${strayId}`,
      Image: TEST_IMAGE,
      Cmd: ['sleep', '300'],
      HostConfig: { NetworkMode: 'none' },
    });
    await stray.start();
    const other = await engine.docker.createContainer({
      name: `not-mesos-${process.pid}`,
      Image: TEST_IMAGE,
      Cmd: ['sleep', '300'],
      HostConfig: { NetworkMode: 'none' },
    });
    try {
      const recovery = await new DockerContainerizer({ docker: engine.docker }).recover([]);
      if (!recovery.ok) throw recovery.error;
      expect(recovery.value.removed).toContain(strayId);
      await expect(stray.inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect((await other.inspect()).Name).toBe(`/not-mesos-${process.pid}`);
    } finally {
      await other.remove({ force: true });
    }
  }, 60_000);

  test('recover follows a known container again: wait and destroy work from the new containerizer', async () => {
    const cfg = await config('echo before; sleep 300');
    await launch(cfg);
    const restarted = new DockerContainerizer({ docker: engine.docker });
    const recovery = await restarted.recover([cfg.containerId]);
    if (!recovery.ok) throw recovery.error;
    expect(recovery.value).toEqual({ recovered: [cfg.containerId], removed: [] });
    expect(restarted.containers()).toEqual([cfg.containerId]);
    const termination = await restarted.destroy(cfg.containerId);
    expect(termination).toMatchObject({
      exitCode: 137,
      message: 'Container destroyed: Container exited with status 137',
    });
    // The first containerizer sees the same end.
    expect(await containerizer.wait(cfg.containerId)).toMatchObject({ exitCode: 137 });
  }, 60_000);

  test('launch failures are errors that say why', async () => {
    const missing = await config('echo never', { docker: { image: 'localhost/mesos-ts-no-such-image:latest' } });
    const pulled = await containerizer.launch(missing);
    expect(pulled.ok).toBe(false);
    if (!pulled.ok)
      expect(pulled.error.message).toContain("Failed to pull image 'localhost/mesos-ts-no-such-image:latest'");

    const cfg = await config('sleep 300');
    await launch(cfg);
    const twice = await containerizer.launch(cfg);
    expect(twice.ok ? undefined : twice.error.code).toBe('CONFLICT');

    const notThere = await config('echo never', {}, { sandbox: '/nonexistent/sandbox' });
    const noSandbox = await containerizer.launch(notThere);
    expect(noSandbox.ok ? undefined : noSandbox.error.message).toContain(
      "sandbox '/nonexistent/sandbox' is not an existing directory",
    );

    const badCommand = await config('');
    const noBinary = await containerizer.launch({
      ...badCommand,
      command: { shell: false, value: '/bin/no-such-binary' },
    });
    expect(noBinary.ok).toBe(false);
    // Nothing is left behind by a failed start.
    await expect(inspectByName(badCommand.containerId)).rejects.toMatchObject({ statusCode: 404 });
  }, 120_000);
});
