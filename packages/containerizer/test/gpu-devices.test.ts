/**
 * `cgroups/devices` + `gpu/nvidia` against the real kernel (root, cgroup v1 devices controller), with the GPUs of
 * the recorded nvidia-smi fixtures: this machine has no GPU, so the device numbers are the recorded ones and the
 * device nodes are made with mknod in the sandbox. A denied node cannot be opened (EPERM, the cgroup's answer); an
 * allowed GPU node gets past the cgroup (ENXIO: no driver behind it); /dev/null's numbers open fine.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseDevicesList, formatDeviceEntry } from '../src/cgroups/devices';
import { resolveNvidiaGpus, type NvidiaSetup } from '../src/gpu/resources';
import { DEFAULT_ALLOWED_DEVICES } from '../src/isolators/cgroups-devices';
import { NvidiaGpuIsolator } from '../src/isolators/gpu-nvidia';
import { cgroupsUsable, MesosHarness, readSandbox, scalar } from './mesos-support';
import { procDir, recordedDevices, recordedRunner, smiAnswer } from './fixtures/nvidia-smi/recorded';

const usable = cgroupsUsable() && existsSync('/sys/fs/cgroup/devices/devices.allow');
const suite = usable ? describe : describe.skip;

/** The recorded Tesla M60 host, restricted to GPUs 0 and 1 (device numbers 195:0 and 195:1). */
async function recordedSetup(): Promise<NvidiaSetup> {
  const resolved = await resolveNvidiaGpus({
    isolation: ['cgroups/devices', 'gpu/nvidia'],
    flagsGpus: 2,
    nvidiaGpuDevices: [0, 1],
    detect: { runner: recordedRunner(smiAnswer('tesla-m60-x4.csv')), procDir, stat: recordedDevices },
  });
  if (!resolved.ok || !resolved.value.nvidia) throw new Error(`setup failed: ${resolved.ok ? 'no nvidia' : resolved.error.message}`);
  return resolved.value.nvidia;
}

const entries = async (path: string): Promise<string[]> => parseDevicesList(await readFile(join(path, 'devices.list'), 'utf8')).map(formatDeviceEntry);

suite('gpu/nvidia and cgroups/devices (real kernel, recorded GPUs)', () => {
  let h: MesosHarness;
  beforeEach(() => {
    h = new MesosHarness();
  });
  afterEach(async () => {
    expect(await h.close()).toEqual([]);
  });

  it('allows a container only its GPUs and the control devices, and enforces it on open(2)', async () => {
    const c = await h.containerizer({ isolation: ['gpu/nvidia', 'cgroups/devices'], nvidia: await recordedSetup() });
    expect(c.isolation()).toEqual(['cgroups/devices', 'gpu/nvidia']);
    const sandbox = await h.sandbox();
    execFileSync('mknod', [join(sandbox, 'nvidia0'), 'c', '195', '0']);
    execFileSync('mknod', [join(sandbox, 'nvidia1'), 'c', '195', '1']);
    execFileSync('mknod', [join(sandbox, 'null'), 'c', '1', '3']);
    // Each open's outcome on stdout; `cat` names the errno.
    const script = 'for d in nvidia0 nvidia1 null; do if cat ./$d >/dev/null 2>err; then echo "$d opened"; else echo "$d $(cat err)"; fi; done; sleep 60';
    const config = await h.config({ value: script }, { sandbox, resources: [scalar('gpus', 1), scalar('cpus', 0.1)] });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;

    const devices = c.cgroups!.pathOf(config.containerId, 'devices')!;
    const list = await entries(devices.path);
    // Exactly Mesos's default list, the control devices and GPU 0: the deny-all went first, so nothing else.
    expect(list.sort()).toEqual([...DEFAULT_ALLOWED_DEVICES, 'c 195:255 rwm', 'c 508:0 rwm', 'c 508:1 rwm', 'c 195:0 rwm'].sort());
    expect(list).not.toContain('c 195:1 rwm');

    const output = await waitForLines(sandbox, 3);
    expect(output).toEqual([
      'nvidia0 cat: ./nvidia0: No such device or address', // allowed: the cgroup let it through to a missing driver
      'nvidia1 cat: ./nvidia1: Operation not permitted', // not this container's GPU
      'null opened',
    ]);
    await c.destroy(config.containerId);
  }, 30_000);

  it('hands out each GPU to one container at a time and takes it back at the end', async () => {
    const c = await h.containerizer({ isolation: ['cgroups/all', 'gpu/nvidia'], nvidia: await recordedSetup() });
    expect(c.isolation()).toContain('cgroups/devices');
    const gpuIsolator = (c as unknown as { isolators: readonly unknown[] }).isolators.find((i) => i instanceof NvidiaGpuIsolator) as NvidiaGpuIsolator;
    const first = await h.config({ value: 'sleep 60' }, { resources: [scalar('gpus', 1)] });
    const second = await h.config({ value: 'sleep 60' }, { resources: [scalar('gpus', 1)] });
    const third = await h.config({ value: 'sleep 60' }, { resources: [scalar('gpus', 1)] });
    const none = await h.config({ value: 'sleep 60' }, { resources: [scalar('cpus', 0.1)] });
    for (const config of [first, second, none]) {
      const launched = await c.launch(config);
      if (!launched.ok) throw launched.error;
    }
    expect(gpuIsolator.allocation(first.containerId).map((g) => g.minor)).toEqual([0]);
    expect(gpuIsolator.allocation(second.containerId).map((g) => g.minor)).toEqual([1]);
    expect(await entries(c.cgroups!.pathOf(second.containerId, 'devices')!.path)).toContain('c 195:1 rwm');
    const noneList = await entries(c.cgroups!.pathOf(none.containerId, 'devices')!.path);
    expect(noneList).toContain('c 195:255 rwm');
    expect(noneList.filter((e) => /^c 195:[01] /.test(e))).toEqual([]);

    const refused = await c.launch(third);
    expect(refused.ok ? 'launched' : refused.error.message).toContain('gpu/nvidia: Requested 1 gpus but only 0 available');
    expect(await c.cgroups!.existing(third.containerId)).toEqual([]);

    await c.destroy(first.containerId);
    expect(gpuIsolator.allocator.available().map((g) => g.minor)).toEqual([0]);
    const again = await c.launch({ ...third, containerId: `${third.containerId}-again` });
    if (!again.ok) throw again.error;
    expect(gpuIsolator.allocation(`${third.containerId}-again`).map((g) => g.minor)).toEqual([0]);
  }, 30_000);

  it('recovers which GPUs a known container holds from its devices cgroup', async () => {
    const setup = await recordedSetup();
    const c = await h.containerizer({ isolation: ['cgroups/devices', 'gpu/nvidia'], nvidia: setup });
    const config = await h.config({ value: 'sleep 60' }, { resources: [scalar('gpus', 1)] });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    // A fresh isolator (as after an agent restart) learns the allocation from devices.list.
    const fresh = new NvidiaGpuIsolator(c.cgroups!, setup);
    await fresh.recover([config.containerId]);
    expect(fresh.allocation(config.containerId).map((g) => g.minor)).toEqual([0]);
    expect(fresh.allocator.available().map((g) => g.minor)).toEqual([1]);
    await fresh.recover([]);
    expect(fresh.allocator.available().map((g) => g.minor)).toEqual([0, 1]);
    await c.destroy(config.containerId);
  }, 30_000);

  it('refuses gpu/nvidia without cgroups/devices, and an image container asking for GPUs', async () => {
    const setup = await recordedSetup();
    await expect(h.containerizer({ isolation: ['cgroups/mem', 'gpu/nvidia'], nvidia: setup })).rejects.toThrow(
      "The 'cgroups/devices' or 'cgroups/all' isolator must be enabled in order to use the 'gpu/nvidia' isolator",
    );
    const c = await h.containerizer({ isolation: ['cgroups/devices', 'gpu/nvidia'], nvidia: setup });
    // Straight to the isolator: the containerizer may refuse an image earlier for reasons of its own.
    const isolator = new NvidiaGpuIsolator(c.cgroups!, setup);
    const config = await h.config(
      { value: 'sleep 60' },
      { resources: [scalar('gpus', 1)], container: { type: 2, mesos: { image: { type: 2, docker: { name: 'busybox' } } } } },
    );
    await expect(isolator.prepare({ containerId: config.containerId, config, limits: {} })).rejects.toThrow(
      'gpu/nvidia: GPUs for containers with an image are not supported (the NVIDIA driver volume is not injected)',
    );
    expect(isolator.allocator.available()).toHaveLength(2);
  }, 30_000);
});

/** Waits until the sandbox's stdout has `count` lines. */
async function waitForLines(sandbox: string, count: number): Promise<string[]> {
  for (let i = 0; i < 200; i += 1) {
    const lines = (await readSandbox(sandbox, 'stdout')).split('\n').filter(Boolean);
    if (lines.length >= count) return lines;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`stdout of ${sandbox} never had ${count} lines: ${await readSandbox(sandbox, 'stdout')}`);
}
