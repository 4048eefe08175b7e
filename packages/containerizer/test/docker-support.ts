/**
 * A Docker-compatible engine for the Docker containerizer's tests: podman's API service on a private socket with a
 * private image store, and a tiny busybox image built on the spot as a `docker save` archive and loaded through
 * the API (nothing is pulled: the tests run offline). `stop()` removes everything the suite made: containers,
 * images, the store and its mounts, the service, and the host state podman leaves behind (the CNI bridge and its
 * iptables chains, `libpod_parent` cgroups), each only when it did not exist before the suite.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  rmdir,
  stat,
  symlink,
  writeFile,
  copyFile,
  chmod,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { ensureBusybox } from './fixtures/busybox-image';

const run = promisify(execFile);

const REPO = resolve(__dirname, '../../..');
export const TEST_IMAGE = 'localhost/mesos-ts-test-busybox:latest';

/** Applets linked into the test image (busybox-static provides them all). */
const APPLETS = ['sh', 'echo', 'cat', 'sleep', 'ls', 'env', 'id', 'nc', 'ps', 'touch', 'printf', 'head', 'dd', 'kill'];

const CNI_BRIDGE = 'cni-podman0';
const CGROUP_ROOT = '/sys/fs/cgroup';

/** Installs podman and applies the host fixes (tools/scripts/ensure-podman.sh). */
export async function ensurePodman(): Promise<void> {
  await run(join(REPO, 'tools/scripts/ensure-podman.sh'), [], { timeout: 300_000 });
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Builds `docker save` archive of a one-layer busybox image tagged {@link TEST_IMAGE}; returns its path. */
export async function buildTestImage(dir: string): Promise<string> {
  // The provisioner tests' busybox-static cache (downloaded once per machine, under a lock).
  const busybox = await ensureBusybox();
  const rootfs = join(dir, 'rootfs');
  const out = join(dir, 'image');
  for (const sub of ['bin', 'proc', 'sys', 'dev', 'tmp', 'etc', 'data'])
    await mkdir(join(rootfs, sub), { recursive: true });
  await copyFile(busybox, join(rootfs, 'bin/busybox'));
  await chmod(join(rootfs, 'bin/busybox'), 0o755);
  for (const applet of APPLETS) await symlink('busybox', join(rootfs, 'bin', applet));
  await mkdir(out, { recursive: true });
  const layerTar = join(dir, 'layer.tar');
  await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', layerTar, '.']);
  const layer = await readFile(layerTar);
  const layerId = sha256(layer);
  await mkdir(join(out, layerId));
  await writeFile(join(out, layerId, 'layer.tar'), layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/bin'], Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: [`sha256:${layerId}`] },
      history: [{ created_by: 'mesos-ts docker tests' }],
    }),
  );
  const configName = `${sha256(config)}.json`;
  await writeFile(join(out, configName), config);
  await writeFile(
    join(out, 'manifest.json'),
    JSON.stringify([{ Config: configName, RepoTags: [TEST_IMAGE], Layers: [`${layerId}/layer.tar`] }]),
  );
  const archive = join(dir, 'busybox.tar');
  await run('tar', ['-C', out, '-cf', archive, 'manifest.json', configName, layerId]);
  return archive;
}

async function libpodCgroups(): Promise<string[]> {
  const found: string[] = [];
  for (const hierarchy of await readdir(CGROUP_ROOT).catch(() => [] as string[])) {
    const dir = join(CGROUP_ROOT, hierarchy, 'libpod_parent');
    if (existsSync(dir)) found.push(dir);
  }
  return found;
}

/** Removes a cgroup directory tree bottom-up (the kernel's files inside do not count; rmdir removes them). */
async function removeCgroupTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory()) await removeCgroupTree(join(dir, entry.name));
  }
  await rmdir(dir).catch(() => undefined);
}

async function cniChains(): Promise<Record<string, string[]>> {
  const chains: Record<string, string[]> = {};
  for (const table of ['filter', 'nat']) {
    const listed = await run('iptables', ['-t', table, '-S']).catch(() => ({ stdout: '' }));
    chains[table] = listed.stdout
      .split('\n')
      .filter((line) => line.startsWith('-N CNI-'))
      .map((line) => line.slice(3).trim());
  }
  return chains;
}

/** Splits an `iptables -S` rule into arguments, honouring double quotes. */
function ruleArgs(rule: string): string[] {
  return [...rule.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** Removes the CNI chains podman's bridge created (those not in `before`) and the rules jumping to them. */
async function removeCniChains(before: Record<string, string[]>): Promise<void> {
  const now = await cniChains();
  for (const [table, chains] of Object.entries(now)) {
    const added = chains.filter((chain) => !(before[table] ?? []).includes(chain));
    if (added.length === 0) continue;
    const rules = (await run('iptables', ['-t', table, '-S'])).stdout.split('\n');
    for (const rule of rules) {
      const args = ruleArgs(rule);
      const target = args[args.indexOf('-j') + 1];
      if (args[0] === '-A' && target !== undefined && added.includes(target) && !added.includes(args[1] ?? '')) {
        await run('iptables', ['-t', table, '-D', ...args.slice(1)]).catch(() => undefined);
      }
    }
    for (const chain of added) await run('iptables', ['-t', table, '-F', chain]).catch(() => undefined);
    for (const chain of added) await run('iptables', ['-t', table, '-X', chain]).catch(() => undefined);
  }
}

/** A running podman API service with its own store. */
export interface PodmanEngine {
  readonly socketPath: string;
  readonly docker: Docker;
  /** The `docker save` archive of {@link TEST_IMAGE}, already loaded. */
  readonly archive: string;
  /** Removes every container, image and file of the suite, stops the service, restores the host. */
  stop(): Promise<void>;
}

async function waitForSocket(docker: Docker, service: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.exitCode !== null) throw new Error(`podman system service exited with ${service.exitCode}`);
    try {
      await docker.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`podman's API did not answer within ${timeoutMs} ms: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Starts `podman system service` on a socket in a fresh temporary directory, with its own `--root`/`--runroot`
 * (so the machine's podman store is never touched), and loads the test image into it.
 */
export async function startPodman(): Promise<PodmanEngine> {
  await ensurePodman();
  const dir = await mkdtemp(join(tmpdir(), 'mesos-ts-podman-'));
  const podmanArgs = ['--root', join(dir, 'root'), '--runroot', join(dir, 'runroot')];
  const hadBridge = existsSync(`/sys/class/net/${CNI_BRIDGE}`);
  const hadCgroups = new Set(await libpodCgroups());
  const hadChains = await cniChains();
  const socketPath = join(dir, 'podman.sock');
  // The service's output goes to a file, not a pipe: conmon processes inherit it and would hold a pipe open
  // (and the test runner with it) after the service is gone.
  const logPath = join(dir, 'service.log');
  const logFd = openSync(logPath, 'a');
  const service = spawn('podman', [...podmanArgs, 'system', 'service', '--time=0', `unix://${socketPath}`], {
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const docker = new Docker({ socketPath });

  const stop = async (): Promise<void> => {
    try {
      if (service.exitCode === null) {
        const containers = await docker.listContainers({ all: true }).catch(() => []);
        await Promise.all(
          containers.map((c) =>
            docker
              .getContainer(c.Id)
              .remove({ force: true, v: true })
              .catch(() => undefined),
          ),
        );
        const exited = new Promise((r) => service.once('exit', r));
        service.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
        clearTimeout(timer);
        if (service.exitCode === null) service.kill('SIGKILL');
      }
      // Whatever the API could not remove, and the images and layers of the private store.
      await run('podman', [...podmanArgs, 'rm', '-af'], { timeout: 60_000 }).catch(() => undefined);
      await run('podman', [...podmanArgs, 'rmi', '-af'], { timeout: 60_000 }).catch(() => undefined);
      // Storage mounts (overlay, shm) the store may still hold, deepest first.
      const mounts = (await readFile('/proc/self/mounts', 'utf8'))
        .split('\n')
        .map((line) => line.split(' ')[1] ?? '')
        .filter((point) => point.startsWith(dir))
        .sort((a, b) => b.length - a.length);
      for (const point of mounts) await run('umount', ['-l', point]).catch(() => undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
      if (!hadBridge && existsSync(`/sys/class/net/${CNI_BRIDGE}`))
        await run('ip', ['link', 'del', CNI_BRIDGE]).catch(() => undefined);
      await removeCniChains(hadChains).catch(() => undefined);
      // conmon processes may take a moment to exit after their containers went; retry for a while.
      for (let attempt = 0; attempt < 50; attempt += 1) {
        const left = (await libpodCgroups()).filter((cgroup) => !hadCgroups.has(cgroup));
        if (left.length === 0) break;
        for (const cgroup of left) await removeCgroupTree(cgroup);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  try {
    await waitForSocket(docker, service, 20_000);
    const archive = await buildTestImage(join(dir, 'build'));
    const loading = await docker.loadImage(archive);
    await new Promise<void>((resolveLoad, reject) => {
      docker.modem.followProgress(loading, (error: Error | null) => (error ? reject(error) : resolveLoad()));
    });
    await docker.getImage(TEST_IMAGE).inspect();
    return { socketPath, docker, archive, stop };
  } catch (error) {
    const serviceLog = await readFile(logPath, 'utf8').catch(() => '');
    await stop();
    throw new Error(`could not start podman's API service: ${(error as Error).message}\n${serviceLog.slice(-4000)}`, {
      cause: error,
    });
  }
}

/** Whether a file or directory exists. */
export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
