/**
 * The agent's `gpus` resource and the GPUs the `gpu/nvidia` isolator manages, by Mesos's rules
 * (NvidiaGpuAllocator::resources and enumerateGpus in src/slave/containerizer/mesos/isolators/gpu/allocator.cpp):
 *
 * - `--nvidia_gpu_devices` needs `gpu/nvidia` in `--isolation`;
 * - without `gpu/nvidia`, `gpus` in `--resources` pass through as given (nothing detected);
 * - `gpus:0` in `--resources` means no GPUs (and forbids `--nvidia_gpu_devices`);
 * - `gpus:N` and `--nvidia_gpu_devices` come together: N whole, the list without duplicates and N long, N no more
 *   than the host has;
 * - with neither, every GPU nvidia-smi finds is advertised.
 *
 * The managed GPUs are those listed by `--nvidia_gpu_devices`, else the first `gpus` indices.
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import {
  detectNvidiaControlDevices,
  detectNvidiaGpus,
  type ControlDeviceOptions,
  type DetectNvidiaOptions,
  type DeviceNode,
  type NvidiaGpu,
} from './nvidia-smi';

/** What the `gpu/nvidia` isolator needs: the GPUs it hands out and the control devices every container gets. */
export interface NvidiaSetup {
  readonly gpus: readonly NvidiaGpu[];
  readonly controlDevices: readonly DeviceNode[];
}

/** Options of {@link resolveNvidiaGpus}. */
export interface ResolveGpusOptions {
  /** `--isolation`, split. */
  readonly isolation: readonly string[];
  /** The `gpus` of `--resources` when it names `gpus` (`gpus:0` included); undefined when it does not. */
  readonly flagsGpus?: number | undefined;
  /** `--nvidia_gpu_devices`, parsed with {@link parseNvidiaGpuDevices}. */
  readonly nvidiaGpuDevices?: readonly number[] | undefined;
  /** How GPUs and control devices are found (tests inject recorded outputs). */
  readonly detect?: DetectNvidiaOptions & ControlDeviceOptions;
}

/** The outcome of {@link resolveNvidiaGpus}. */
export interface ResolvedGpus {
  /**
   * The `gpus` the agent advertises: add it to the resources when `--resources` does not name `gpus` (when it
   * does, this equals the flag's value). Undefined: leave the resources as they are.
   */
  readonly gpus: number | undefined;
  /** Present with `gpu/nvidia`: pass it to the Mesos containerizer (`nvidia` option). */
  readonly nvidia?: NvidiaSetup;
}

const invalid = (message: string): { readonly ok: false; readonly error: MesosTsError } => err(new MesosTsError('INVALID_ARGUMENT', message));

/** Parses `--nvidia_gpu_devices`: a comma-separated list of GPU indices (`0,2,3`). */
export function parseNvidiaGpuDevices(text: string): Result<number[]> {
  const tokens = text.split(',').map((t) => t.trim());
  const bad = tokens.find((t) => !/^\d+$/.test(t));
  if (bad !== undefined) return invalid(`Invalid --nvidia_gpu_devices '${text}': '${bad}' is not a GPU index (a non-negative integer)`);
  return ok(tokens.map(Number));
}

/**
 * Decides the agent's `gpus` and, with `gpu/nvidia`, detects the GPUs (nvidia-smi) and control devices. Flag
 * combinations Mesos refuses are INVALID_ARGUMENT errors in Mesos's words; detection failures are UNAVAILABLE.
 */
export async function resolveNvidiaGpus(options: ResolveGpusOptions): Promise<Result<ResolvedGpus>> {
  const isolation = new Set(options.isolation.map((name) => name.trim()));
  const devices = options.nvidiaGpuDevices;
  const flagsGpus = options.flagsGpus;
  if (devices !== undefined && !isolation.has('gpu/nvidia')) {
    return invalid("'--nvidia_gpus_devices' can only be specified if the `--isolation` flag contains 'gpu/nvidia'");
  }
  if (!isolation.has('gpu/nvidia')) return ok({ gpus: undefined });
  if (devices?.some((index) => !Number.isInteger(index) || index < 0)) return invalid(`'--nvidia_gpu_devices' must list non-negative integers, got ${devices.join(',')}`);
  if (flagsGpus !== undefined && (!Number.isFinite(flagsGpus) || flagsGpus < 0)) return invalid(`The 'gpus' resource must be a non-negative integer, got ${flagsGpus}`);

  const detected = await detectNvidiaGpus(options.detect);
  if (!detected.ok) return detected;
  const controls = await detectNvidiaControlDevices(options.detect);
  if (!controls.ok) return controls;
  const found = detected.value;
  const setup = (gpus: readonly NvidiaGpu[]): NvidiaSetup => ({ gpus, controlDevices: controls.value });

  if (flagsGpus === 0) {
    if (devices !== undefined) return invalid("'--nvidia_gpus_devices' cannot be specified when '--resources' specifies 0 GPUs");
    return ok({ gpus: 0, nvidia: setup([]) });
  }
  if (devices !== undefined && flagsGpus === undefined) {
    return invalid("'--nvidia_gpus_devices' cannot be set without also setting 'gpus' in '--resources'");
  }
  if (flagsGpus !== undefined && devices === undefined) {
    return invalid("The `gpus` resource cannot be set without also setting `--nvidia_gpu_devices`");
  }
  if (flagsGpus !== undefined && devices !== undefined) {
    // Scalars are exact to 3 decimals, so a whole count is a multiple of 1000 milli-GPUs.
    if (Math.round(flagsGpus * 1000) % 1000 !== 0) return invalid("The 'gpus' resource must be an non-negative integer");
    if (new Set(devices).size !== devices.length) return invalid("'--nvidia_gpu_devices' contains duplicates");
    if (devices.length !== flagsGpus) return invalid("'--resources' and '--nvidia_gpu_devices' specify different numbers of GPU devices");
    if (flagsGpus > found.length) return invalid('The number of GPUs requested is greater than the number of GPUs available on the machine');
    const chosen: NvidiaGpu[] = [];
    for (const index of devices) {
      const gpu = found.find((g) => g.index === index);
      if (!gpu) return invalid(`'--nvidia_gpu_devices' lists GPU ${index}, which nvidia-smi does not report (found: ${found.map((g) => g.index).join(',') || 'none'})`);
      chosen.push(gpu);
    }
    return ok({ gpus: flagsGpus, nvidia: setup(chosen) });
  }
  return ok({ gpus: found.length, nvidia: setup(found) });
}
