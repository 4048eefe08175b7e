/**
 * Finding the NVIDIA GPUs of this host with `nvidia-smi` (Mesos asks NVML directly; Node has no NVML binding, and
 * `nvidia-smi` ships with every driver). The query is
 *
 *   nvidia-smi --query-gpu=index,uuid,name,memory.total,pci.bus_id --format=csv,noheader
 *
 * which prints one line per GPU, fields separated by `, `, e.g. `0, GPU-…, Tesla M60, 7679 MiB, 00000000:04:00.0`.
 * The device node of a GPU is `/dev/nvidia<minor>`, major 195; its minor number comes from the driver's
 * `/proc/driver/nvidia/gpus/<pci bus id>/information` ("Device Minor:"), which is what NVML's
 * `nvmlDeviceGetMinorNumber` reads; where that file cannot be read, the minor is taken to be the index.
 *
 * The command runs through an injectable {@link CommandRunner}, so tests feed recorded outputs.
 */
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';

/** The major number of NVIDIA GPU device nodes (`/dev/nvidia<N>`, and `/dev/nvidiactl` at minor 255). */
export const NVIDIA_MAJOR = 195;

/** The arguments of the GPU query. */
export const NVIDIA_SMI_QUERY = ['--query-gpu=index,uuid,name,memory.total,pci.bus_id', '--format=csv,noheader'] as const;

/** nvidia-smi's exit status when the query found nothing ("No devices were found"). */
const EXIT_NOT_FOUND = 6;

/** One GPU. */
export interface NvidiaGpu {
  /** nvidia-smi's index (what `--nvidia_gpu_devices` lists). */
  readonly index: number;
  readonly uuid: string;
  readonly name: string;
  /** Total memory in MiB, when reported. */
  readonly memoryMiB?: number;
  /** As nvidia-smi prints it, e.g. `00000000:04:00.0`. */
  readonly pciBusId: string;
  /** Device numbers of `/dev/nvidia<minor>`. */
  readonly major: number;
  readonly minor: number;
}

/** A device node with its numbers, e.g. `/dev/nvidiactl` 195:255. */
export interface DeviceNode {
  readonly path: string;
  readonly major: number;
  readonly minor: number;
}

/** What running a command gave. */
export interface CommandOutput {
  /** null when killed by a signal. */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program (no shell); rejects only when it could not be started (ENOENT and the like). */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<CommandOutput>;

/** Runs programs with child_process.execFile, 30 s at most. */
export const execRunner: CommandRunner = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 30_000, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
        reject(error);
        return;
      }
      const code = error ? ((error as { code?: number | null }).code ?? null) : 0;
      resolve({ exitCode: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });

/** A GPU as the query reports it, before its minor number is known. */
export type QueriedGpu = Omit<NvidiaGpu, 'major' | 'minor'>;

const invalid = (message: string): { readonly ok: false; readonly error: MesosTsError } => err(new MesosTsError('INVALID_ARGUMENT', message));

/** Parses the output of {@link NVIDIA_SMI_QUERY}; a line that does not fit is an error quoting it. */
export function parseNvidiaSmiQuery(text: string): Result<QueriedGpu[]> {
  const gpus: QueriedGpu[] = [];
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  for (const [n, line] of lines.entries()) {
    const fields = line.split(',').map((field) => field.trim());
    const where = `nvidia-smi output line ${n + 1} '${line}'`;
    if (fields.length !== 5) return invalid(`${where}: expected 5 fields (index, uuid, name, memory.total, pci.bus_id), got ${fields.length}`);
    const [indexText, uuid, name, memoryText, pciBusId] = fields as [string, string, string, string, string];
    if (!/^\d+$/.test(indexText)) return invalid(`${where}: index '${indexText}' is not a number`);
    if (!/^(GPU|MIG)-[0-9a-fA-F-]+$/.test(uuid)) return invalid(`${where}: uuid '${uuid}' is not a GPU UUID`);
    if (!/^[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$/.test(pciBusId)) {
      return invalid(`${where}: pci.bus_id '${pciBusId}' is not a PCI address`);
    }
    // memory.total is `<n> MiB`, or `[N/A]` / `[Not Supported]` on some boards.
    const memory = /^(\d+) MiB$/.exec(memoryText);
    if (!memory && !/^\[.*\]$/.test(memoryText)) return invalid(`${where}: memory.total '${memoryText}' is not '<n> MiB'`);
    const index = Number(indexText);
    if (gpus.some((gpu) => gpu.index === index)) return invalid(`${where}: index ${index} appears twice`);
    gpus.push({ index, uuid, name, ...(memory ? { memoryMiB: Number(memory[1]) } : {}), pciBusId });
  }
  return ok(gpus.sort((a, b) => a.index - b.index));
}

/** The directory name the driver uses under /proc/driver/nvidia/gpus: a 4-digit domain, lower case. */
export function procBusId(pciBusId: string): string {
  const [domain = '', ...rest] = pciBusId.toLowerCase().split(':');
  return [domain.slice(-4).padStart(4, '0'), ...rest].join(':');
}

/** Reads "Device Minor: N" out of the driver's per-GPU information file. */
export function parseDeviceMinor(information: string): number | undefined {
  const match = /^Device Minor:\s*(\d+)\s*$/m.exec(information);
  return match ? Number(match[1]) : undefined;
}

/** Options of {@link detectNvidiaGpus}. */
export interface DetectNvidiaOptions {
  readonly runner?: CommandRunner;
  /** The nvidia-smi program (default `nvidia-smi`, from PATH). */
  readonly nvidiaSmi?: string;
  /** Reads a text file, undefined when it cannot (default: fs). Used for the driver's information files. */
  readonly readText?: (path: string) => Promise<string | undefined>;
  /** Default `/proc/driver/nvidia/gpus`. */
  readonly procDir?: string;
}

const readTextFile = (path: string): Promise<string | undefined> => readFile(path, 'utf8').catch(() => undefined);

/**
 * Runs the query and returns the GPUs by index (empty when nvidia-smi finds none). Errors (UNAVAILABLE) say why:
 * nvidia-smi missing, the driver not loaded (nvidia-smi's own message and exit status), output it cannot parse.
 */
export async function detectNvidiaGpus(options: DetectNvidiaOptions = {}): Promise<Result<NvidiaGpu[]>> {
  const runner = options.runner ?? execRunner;
  const program = options.nvidiaSmi ?? 'nvidia-smi';
  let output: CommandOutput;
  try {
    output = await runner(program, NVIDIA_SMI_QUERY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `'${program}' was not found (is the NVIDIA driver installed?)` : (error as Error).message;
    return err(new MesosTsError('UNAVAILABLE', `Failed to detect GPUs: ${why}`, { cause: error }));
  }
  const said = `${output.stdout}\n${output.stderr}`.trim();
  if (output.exitCode === EXIT_NOT_FOUND && /No devices were found/i.test(said)) return ok([]);
  if (output.exitCode !== 0) {
    const status = output.exitCode === null ? 'was killed by a signal' : `exited with status ${output.exitCode}`;
    return err(new MesosTsError('UNAVAILABLE', `Failed to detect GPUs: '${program}' ${status}: ${said || '(no output)'}`));
  }
  const parsed = parseNvidiaSmiQuery(output.stdout);
  if (!parsed.ok) return err(new MesosTsError('UNAVAILABLE', `Failed to detect GPUs: ${parsed.error.message}`, { cause: parsed.error }));
  const readText = options.readText ?? readTextFile;
  const procDir = options.procDir ?? '/proc/driver/nvidia/gpus';
  const gpus: NvidiaGpu[] = [];
  for (const gpu of parsed.value) {
    const information = await readText(join(procDir, procBusId(gpu.pciBusId), 'information'));
    const minor = (information !== undefined ? parseDeviceMinor(information) : undefined) ?? gpu.index;
    gpus.push({ ...gpu, major: NVIDIA_MAJOR, minor });
  }
  const minors = new Set(gpus.map((gpu) => gpu.minor));
  if (minors.size !== gpus.length) return err(new MesosTsError('UNAVAILABLE', 'Failed to detect GPUs: two GPUs have the same device minor number'));
  return ok(gpus);
}

/** The major and minor numbers of a device node, or undefined when it does not exist or is not a device. */
export type DeviceStat = (path: string) => Promise<{ readonly major: number; readonly minor: number } | undefined>;

/** stat(2) of a device node, with glibc's major()/minor() split of st_rdev. */
export const statDevice: DeviceStat = async (path) => {
  const info = await stat(path, { bigint: true }).catch(() => undefined);
  if (!info || !(info.isCharacterDevice() || info.isBlockDevice())) return undefined;
  const dev = info.rdev;
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
};

/** Options of {@link detectNvidiaControlDevices}. */
export interface ControlDeviceOptions {
  readonly stat?: DeviceStat;
  readonly runner?: CommandRunner;
  /** Default `/dev`. */
  readonly devDir?: string;
}

/**
 * The control devices every GPU container gets, as Mesos: `nvidiactl` and `nvidia-uvm` (loading the uvm module
 * with `nvidia-modprobe -u -c 0` when its node is missing), and `nvidia-uvm-tools` where it exists.
 */
export async function detectNvidiaControlDevices(options: ControlDeviceOptions = {}): Promise<Result<DeviceNode[]>> {
  const statOf = options.stat ?? statDevice;
  const dev = options.devDir ?? '/dev';
  const nodes: DeviceNode[] = [];
  const ctl = await statOf(join(dev, 'nvidiactl'));
  if (!ctl) return err(new MesosTsError('UNAVAILABLE', `Failed to obtain the device numbers of '${join(dev, 'nvidiactl')}': not a device node`));
  nodes.push({ path: join(dev, 'nvidiactl'), ...ctl });
  let uvm = await statOf(join(dev, 'nvidia-uvm'));
  if (!uvm) {
    const runner = options.runner ?? execRunner;
    const loaded = await runner('nvidia-modprobe', ['-u', '-c', '0']).catch((error: unknown) => error as Error);
    if (loaded instanceof Error || loaded.exitCode !== 0) {
      const why = loaded instanceof Error ? loaded.message : `${loaded.stdout}${loaded.stderr}`.trim() || `exit status ${String(loaded.exitCode)}`;
      return err(new MesosTsError('UNAVAILABLE', `Failed to load '${join(dev, 'nvidia-uvm')}' with nvidia-modprobe: ${why}`));
    }
    uvm = await statOf(join(dev, 'nvidia-uvm'));
    if (!uvm) return err(new MesosTsError('UNAVAILABLE', `Failed to obtain the device numbers of '${join(dev, 'nvidia-uvm')}': not a device node`));
  }
  nodes.push({ path: join(dev, 'nvidia-uvm'), ...uvm });
  const tools = await statOf(join(dev, 'nvidia-uvm-tools'));
  if (tools) nodes.push({ path: join(dev, 'nvidia-uvm-tools'), ...tools });
  return ok(nodes);
}
