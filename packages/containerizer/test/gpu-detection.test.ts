/**
 * GPU detection from recorded nvidia-smi outputs, the agent's `gpus` resource by Mesos's rules, and the GPU
 * allocator. No GPU needed.
 */
import { buildLayout, parseCgroupMounts } from '../src/cgroups/layout';
import { CgroupsManager } from '../src/cgroups/manager';
import { GpuAllocator } from '../src/gpu/allocator';
import { createIsolators } from '../src/isolators/registry';
import { detectNvidiaControlDevices, detectNvidiaGpus, execRunner, parseNvidiaSmiQuery, procBusId, statDevice, type NvidiaGpu } from '../src/gpu/nvidia-smi';
import { parseNvidiaGpuDevices, resolveNvidiaGpus } from '../src/gpu/resources';
import { requestedGpus } from '../src/isolators/gpu-nvidia';
import { fixture, procDir, recordedDevices, recordedRunner, smiAnswer } from './fixtures/nvidia-smi/recorded';

const m60 = { runner: recordedRunner(smiAnswer('tesla-m60-x4.csv')), procDir, stat: recordedDevices };
const message = (result: { ok: boolean; error?: Error }): string => (result.ok ? 'ok' : result.error!.message);

describe('nvidia-smi query output', () => {
  it('parses every GPU of the recorded outputs', () => {
    const parsed = parseNvidiaSmiQuery(fixture('tesla-m60-x4.csv'));
    if (!parsed.ok) throw parsed.error;
    expect(parsed.value).toHaveLength(4);
    expect(parsed.value[2]).toEqual({
      index: 2,
      uuid: 'GPU-a1b2c3d4-e5f6-0718-293a-4b5c6d7e8f90',
      name: 'Tesla M60',
      memoryMiB: 7679,
      pciBusId: '0000:83:00.0',
    });
    const a100 = parseNvidiaSmiQuery(fixture('a100-x2.csv'));
    if (!a100.ok) throw a100.error;
    expect(a100.value.map((g) => [g.index, g.name, g.memoryMiB, g.pciBusId])).toEqual([
      [0, 'NVIDIA A100-SXM4-40GB', 40960, '00000000:07:00.0'],
      [1, 'NVIDIA A100-SXM4-40GB', 40960, '00000000:0F:00.0'],
    ]);
    expect(parseNvidiaSmiQuery('').ok && parseNvidiaSmiQuery('\n').ok).toBe(true);
  });

  it('accepts [N/A] memory and names what is malformed', () => {
    const na = parseNvidiaSmiQuery('0, GPU-0d4e8f4c-3b2a-6f1e-9c7d-1a2b3c4d5e6f, Tesla M60, [N/A], 0000:04:00.0');
    expect(na.ok && na.value[0]).toEqual(expect.not.objectContaining({ memoryMiB: expect.anything() }));
    expect(message(parseNvidiaSmiQuery('0, GPU-1, Tesla M60, 7679 MiB'))).toContain('expected 5 fields');
    expect(message(parseNvidiaSmiQuery('x, GPU-1, T, 1 MiB, 0000:04:00.0'))).toContain("index 'x' is not a number");
    expect(message(parseNvidiaSmiQuery('0, nope, T, 1 MiB, 0000:04:00.0'))).toContain("uuid 'nope'");
    expect(message(parseNvidiaSmiQuery('0, GPU-1, T, 1 MiB, 04:00'))).toContain("pci.bus_id '04:00'");
    expect(message(parseNvidiaSmiQuery('0, GPU-1, T, 1 GB, 0000:04:00.0'))).toContain("memory.total '1 GB'");
    expect(message(parseNvidiaSmiQuery('0, GPU-1, T, 1 MiB, 0000:04:00.0\n0, GPU-2, T, 1 MiB, 0000:05:00.0'))).toContain('index 0 appears twice');
  });

  it('maps bus IDs to the driver directory names', () => {
    expect(procBusId('00000000:0F:00.0')).toBe('0000:0f:00.0');
    expect(procBusId('0000:83:00.0')).toBe('0000:83:00.0');
  });
});

describe('detectNvidiaGpus', () => {
  it('runs the documented query and takes minors from the driver', async () => {
    const runner = recordedRunner(smiAnswer('tesla-m60-x4.csv'));
    const gpus = await detectNvidiaGpus({ runner, procDir });
    if (!gpus.ok) throw gpus.error;
    expect(runner.calls).toEqual([{ file: 'nvidia-smi', args: ['--query-gpu=index,uuid,name,memory.total,pci.bus_id', '--format=csv,noheader'] }]);
    // Indices 2 and 3 have minors 3 and 2 in the recorded /proc files.
    expect(gpus.value.map((g) => [g.index, g.major, g.minor])).toEqual([
      [0, 195, 0],
      [1, 195, 1],
      [2, 195, 3],
      [3, 195, 2],
    ]);
  });

  it('falls back to the index as the minor without the driver files', async () => {
    const gpus = await detectNvidiaGpus({ runner: recordedRunner(smiAnswer('a100-x2.csv')), procDir: '/nonexistent' });
    expect(gpus.ok && gpus.value.map((g) => g.minor)).toEqual([0, 1]);
  });

  it('finds none when nvidia-smi reports no devices, and says why detection fails', async () => {
    const none = await detectNvidiaGpus({ runner: recordedRunner({ exitCode: 6, stdout: fixture('no-devices.txt'), stderr: '' }) });
    expect(none.ok && none.value).toEqual([]);
    const driver = await detectNvidiaGpus({ runner: recordedRunner({ exitCode: 9, stdout: fixture('driver-not-loaded.txt'), stderr: '' }) });
    expect(message(driver)).toMatch(/^Failed to detect GPUs: 'nvidia-smi' exited with status 9: NVIDIA-SMI has failed because it couldn't communicate/);
    expect(!driver.ok && driver.error.code).toBe('UNAVAILABLE');
    const missing = await detectNvidiaGpus({ runner: recordedRunner(smiAnswer('a100-x2.csv')), nvidiaSmi: '/opt/none/nvidia-smi' });
    expect(message(missing)).toBe("Failed to detect GPUs: '/opt/none/nvidia-smi' was not found (is the NVIDIA driver installed?)");
    const garbage = await detectNvidiaGpus({ runner: recordedRunner({ exitCode: 0, stdout: 'index, uuid\n', stderr: '' }) });
    expect(message(garbage)).toContain('expected 5 fields');
  });

  it('runs real programs and stats real device nodes', async () => {
    expect(await execRunner('sh', ['-c', 'echo out; echo err >&2; exit 6'])).toEqual({ exitCode: 6, stdout: 'out\n', stderr: 'err\n' });
    await expect(execRunner('/nonexistent/nvidia-smi', [])).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await statDevice('/dev/null')).toEqual({ major: 1, minor: 3 });
    expect(await statDevice('/etc/hostname')).toBeUndefined();
    const missing = await detectNvidiaGpus({ nvidiaSmi: '/nonexistent/nvidia-smi' });
    expect(message(missing)).toContain('was not found');
  });

  it('finds the control devices, loading nvidia-uvm when its node is missing', async () => {
    const found = await detectNvidiaControlDevices({ stat: recordedDevices });
    expect(found.ok && found.value).toEqual([
      { path: '/dev/nvidiactl', major: 195, minor: 255 },
      { path: '/dev/nvidia-uvm', major: 508, minor: 0 },
      { path: '/dev/nvidia-uvm-tools', major: 508, minor: 1 },
    ]);
    let loaded = false;
    const beforeLoad = await detectNvidiaControlDevices({
      stat: async (path) => (path === '/dev/nvidia-uvm' && !loaded ? undefined : recordedDevices(path)),
      runner: async (file, args) => {
        expect([file, ...args]).toEqual(['nvidia-modprobe', '-u', '-c', '0']);
        loaded = true;
        return { exitCode: 0, stdout: '', stderr: '' };
      },
    });
    expect(beforeLoad.ok && beforeLoad.value.map((d) => d.path)).toEqual(['/dev/nvidiactl', '/dev/nvidia-uvm', '/dev/nvidia-uvm-tools']);
    const noCtl = await detectNvidiaControlDevices({ stat: async () => undefined });
    expect(message(noCtl)).toBe("Failed to obtain the device numbers of '/dev/nvidiactl': not a device node");
  });
});

describe('resolveNvidiaGpus (the agent\'s gpus, as Mesos decides them)', () => {
  const resolve = (isolation: string[], flagsGpus?: number, devices?: number[]) =>
    resolveNvidiaGpus({ isolation, flagsGpus, nvidiaGpuDevices: devices, detect: m60 });

  it('advertises every detected GPU when neither flag is given', async () => {
    const resolved = await resolve(['cgroups/devices', 'gpu/nvidia']);
    if (!resolved.ok) throw resolved.error;
    expect(resolved.value.gpus).toBe(4);
    expect(resolved.value.nvidia?.gpus.map((g) => g.index)).toEqual([0, 1, 2, 3]);
    expect(resolved.value.nvidia?.controlDevices.map((d) => `${d.major}:${d.minor}`)).toEqual(['195:255', '508:0', '508:1']);
  });

  it('restricts to --nvidia_gpu_devices with a matching gpus count', async () => {
    const resolved = await resolve(['gpu/nvidia'], 2, [3, 1]);
    if (!resolved.ok) throw resolved.error;
    expect(resolved.value.gpus).toBe(2);
    expect(resolved.value.nvidia?.gpus.map((g) => g.index)).toEqual([3, 1]);
    const zero = await resolve(['gpu/nvidia'], 0);
    expect(zero.ok && [zero.value.gpus, zero.value.nvidia?.gpus]).toEqual([0, []]);
  });

  it('passes gpus through without gpu/nvidia and runs nothing', async () => {
    const runner = recordedRunner(smiAnswer('tesla-m60-x4.csv'));
    const resolved = await resolveNvidiaGpus({ isolation: ['cgroups/cpu'], flagsGpus: 2, detect: { runner } });
    expect(resolved.ok && resolved.value).toEqual({ gpus: undefined });
    expect(runner.calls).toEqual([]);
  });

  it("refuses the combinations Mesos refuses, in Mesos's words", async () => {
    expect(message(await resolve(['cgroups/cpu'], 1, [0]))).toBe("'--nvidia_gpus_devices' can only be specified if the `--isolation` flag contains 'gpu/nvidia'");
    expect(message(await resolve(['gpu/nvidia'], 0, [0]))).toBe("'--nvidia_gpus_devices' cannot be specified when '--resources' specifies 0 GPUs");
    expect(message(await resolve(['gpu/nvidia'], undefined, [0]))).toBe("'--nvidia_gpus_devices' cannot be set without also setting 'gpus' in '--resources'");
    expect(message(await resolve(['gpu/nvidia'], 2))).toBe('The `gpus` resource cannot be set without also setting `--nvidia_gpu_devices`');
    expect(message(await resolve(['gpu/nvidia'], 1.5, [0]))).toBe("The 'gpus' resource must be an non-negative integer");
    expect(message(await resolve(['gpu/nvidia'], 2, [0, 0]))).toBe("'--nvidia_gpu_devices' contains duplicates");
    expect(message(await resolve(['gpu/nvidia'], 2, [0]))).toBe("'--resources' and '--nvidia_gpu_devices' specify different numbers of GPU devices");
    expect(message(await resolve(['gpu/nvidia'], 5, [0, 1, 2, 3, 4]))).toBe('The number of GPUs requested is greater than the number of GPUs available on the machine');
    expect(message(await resolve(['gpu/nvidia'], 2, [0, 7]))).toContain("lists GPU 7, which nvidia-smi does not report (found: 0,1,2,3)");
  });

  it('parses --nvidia_gpu_devices', () => {
    expect(parseNvidiaGpuDevices('0, 2,3')).toEqual({ ok: true, value: [0, 2, 3] });
    expect(message(parseNvidiaGpuDevices('0,x'))).toBe("Invalid --nvidia_gpu_devices '0,x': 'x' is not a GPU index (a non-negative integer)");
    expect(message(parseNvidiaGpuDevices(''))).toContain("'' is not a GPU index");
  });
});

describe('GpuAllocator', () => {
  const gpu = (index: number, minor: number): NvidiaGpu => ({ index, uuid: `GPU-${index}`, name: 'T', pciBusId: '0000:00:00.0', major: 195, minor });
  const [g0, g1, g2] = [gpu(0, 0), gpu(1, 1), gpu(2, 2)] as [NvidiaGpu, NvidiaGpu, NvidiaGpu];

  it('hands out the lowest free device numbers and takes them back', () => {
    const allocator = new GpuAllocator([g2, g0, g1]);
    const first = allocator.allocate(2);
    expect(first.ok && first.value).toEqual([g0, g1]);
    const second = allocator.allocate(1);
    expect(second.ok && second.value).toEqual([g2]);
    expect(message(allocator.allocate(1))).toBe('Requested 1 gpus but only 0 available');
    expect(allocator.release([g1]).ok).toBe(true);
    expect(allocator.available()).toEqual([g1]);
    expect(message(allocator.release([g1]))).toBe('{ 195.1 } are not allocated');
    expect(allocator.allocate(0)).toEqual({ ok: true, value: [] });
    expect(message(allocator.allocateThese([g0, g1]))).toBe('{ 195.0 } are not available');
    expect(allocator.available()).toEqual([g1]); // nothing taken by the failed call
    expect(message(allocator.allocate(-1))).toContain('non-negative integer');
    expect(() => new GpuAllocator([g0, g0])).toThrow('GPU 195.0 is listed twice');
  });

  it("reads a container's whole gpus count", () => {
    const gpus = (value: number) => ({ name: 'gpus', type: 0, scalar: { value } });
    expect(requestedGpus([gpus(1), { name: 'cpus', type: 0, scalar: { value: 0.5 } }, gpus(2)])).toBe(3);
    expect(requestedGpus([])).toBe(0);
    expect(() => requestedGpus([gpus(0.5)])).toThrow("The 'gpus' resource must be an unsigned integer, got 0.5");
  });
});

describe('registry: cgroups/devices and gpu/nvidia', () => {
  const v1 = new CgroupsManager(buildLayout(parseCgroupMounts('36 31 0:33 / /sys/fs/cgroup/devices rw - cgroup cgroup rw,devices')));
  const v2 = new CgroupsManager(buildLayout(parseCgroupMounts('30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw'), ['cpu', 'memory', 'pids', 'devices']));
  const nvidia = { gpus: [], controlDevices: [] };
  const names = (isolation: string[], cgroups: CgroupsManager, withNvidia = true): string => {
    const built = createIsolators(isolation, { cgroups, launcher: 'posix', ...(withNvidia ? { nvidia } : {}) });
    return built.ok ? built.value.map((i) => i.name).join(',') : built.error.message;
  };

  it('prepares gpu/nvidia after cgroups/devices whatever the order given', () => {
    expect(names(['gpu/nvidia', 'disk/du', 'cgroups/devices'], v1)).toBe('disk/du,cgroups/devices,gpu/nvidia');
    expect(names(['cgroups/all', 'gpu/nvidia'], v1)).toBe('cgroups/devices,gpu/nvidia');
  });

  it('refuses device control on cgroup v2 and gpu/nvidia without its prerequisites', () => {
    expect(names(['cgroups/devices'], v2)).toContain("on cgroup v2, device access is controlled by an eBPF program (BPF_CGROUP_DEVICE), which mesos-ts does not support");
    expect(names(['cgroups/all'], v2)).toBe('cgroups/cpu,cgroups/mem,cgroups/pids');
    expect(names(['cgroups/all', 'gpu/nvidia'], v2)).toMatch(/^Isolator 'gpu\/nvidia' cannot be used: .*eBPF/);
    expect(names(['gpu/nvidia'], v1)).toBe("The 'cgroups/devices' or 'cgroups/all' isolator must be enabled in order to use the 'gpu/nvidia' isolator");
    expect(names(['cgroups/devices', 'gpu/nvidia'], v1, false)).toContain("needs the agent's GPUs");
  });
});
