/**
 * Which of the agent's GPUs each container holds (Mesos's NvidiaGpuAllocator). GPUs are ordered by device
 * numbers (major, then minor) and a request for N takes the first N free ones, so allocation is deterministic.
 * Pure bookkeeping: the isolator turns an allocation into devices cgroup entries.
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import type { NvidiaGpu } from './nvidia-smi';

/** How Mesos prints a GPU in messages: `major.minor`. */
export function describeGpu(gpu: Pick<NvidiaGpu, 'major' | 'minor'>): string {
  return `${gpu.major}.${gpu.minor}`;
}

const key = (gpu: Pick<NvidiaGpu, 'major' | 'minor'>): string => describeGpu(gpu);
const order = (a: NvidiaGpu, b: NvidiaGpu): number => a.major - b.major || a.minor - b.minor;
const list = (gpus: readonly NvidiaGpu[]): string => `{ ${gpus.map(describeGpu).join(', ')} }`;

/** Hands out GPUs from a fixed set. */
export class GpuAllocator {
  private readonly all: readonly NvidiaGpu[];
  private readonly free = new Map<string, NvidiaGpu>();
  private readonly taken = new Map<string, NvidiaGpu>();

  /** @param gpus the GPUs this agent manages; device numbers must be unique. */
  constructor(gpus: readonly NvidiaGpu[]) {
    this.all = [...gpus].sort(order);
    for (const gpu of this.all) {
      if (this.free.has(key(gpu))) throw new Error(`GPU ${describeGpu(gpu)} is listed twice`);
      this.free.set(key(gpu), gpu);
    }
  }

  /** Every GPU managed, in allocation order. */
  total(): readonly NvidiaGpu[] {
    return this.all;
  }

  /** The free GPUs, in allocation order. */
  available(): NvidiaGpu[] {
    return [...this.free.values()].sort(order);
  }

  /** The GPUs held by some container. */
  allocated(): NvidiaGpu[] {
    return [...this.taken.values()].sort(order);
  }

  /** Takes the first `count` free GPUs; an error in Mesos's words when too few are free. */
  allocate(count: number): Result<NvidiaGpu[]> {
    if (!Number.isInteger(count) || count < 0) return err(new MesosTsError('INVALID_ARGUMENT', `GPU count must be a non-negative integer, got ${String(count)}`));
    const free = this.available();
    if (free.length < count) return err(new MesosTsError('CONFLICT', `Requested ${count} gpus but only ${free.length} available`));
    const chosen = free.slice(0, count);
    for (const gpu of chosen) this.take(gpu);
    return ok(chosen);
  }

  /** Takes exactly these GPUs (recovery); an error naming those that are not free. */
  allocateThese(gpus: readonly NvidiaGpu[]): Result<void> {
    const missing = gpus.filter((gpu) => !this.free.has(key(gpu)));
    if (missing.length > 0) return err(new MesosTsError('CONFLICT', `${list(missing)} are not available`));
    for (const gpu of gpus) this.take(gpu);
    return ok(undefined);
  }

  /** Gives GPUs back; an error naming those that were not allocated (nothing is released then). */
  release(gpus: readonly NvidiaGpu[]): Result<void> {
    const missing = gpus.filter((gpu) => !this.taken.has(key(gpu)));
    if (missing.length > 0) return err(new MesosTsError('CONFLICT', `${list(missing)} are not allocated`));
    for (const gpu of gpus) {
      const held = this.taken.get(key(gpu))!;
      this.taken.delete(key(gpu));
      this.free.set(key(gpu), held);
    }
    return ok(undefined);
  }

  private take(gpu: NvidiaGpu): void {
    const held = this.free.get(key(gpu))!;
    this.free.delete(key(gpu));
    this.taken.set(key(gpu), held);
  }
}
