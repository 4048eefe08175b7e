/**
 * `gpu/nvidia`: a container gets as many of the agent's GPUs as its `gpus` resource says, and may open only
 * those (Mesos's NvidiaGpuIsolatorProcess, src/slave/containerizer/mesos/isolators/gpu/isolator.cpp). It works on
 * top of `cgroups/devices`, which denies every device but a default list; this isolator then allows, in the
 * container's devices cgroup,
 *
 *   - the control devices (`/dev/nvidiactl`, `/dev/nvidia-uvm`, `/dev/nvidia-uvm-tools`), so that tools such as
 *     nvidia-smi work even without a GPU, and
 *   - `c 195:<minor> rwm` for each GPU allocated to it;
 *
 * every other `/dev/nvidia<N>` stays denied. The allocation is released at cleanup, and after an agent restart it
 * is read back from each known container's `devices.list`. As in Mesos, no environment variable is set for
 * command tasks (isolation is the cgroup's; `NVIDIA_VISIBLE_DEVICES` is only read by Mesos from an image's
 * config, to decide whether to inject the driver volume, which is not built here: image containers that ask for
 * GPUs are refused). cgroup v1 only.
 */
import { type Resource, type ResourceStatistics, Value_Type } from '@mesos-ts/proto';
import type { CgroupsManager } from '../cgroups/manager';
import { DEVICES_V2_UNSUPPORTED, RWM, allowDevice, denyDevice, formatDeviceEntry, listDevices, type DeviceEntry } from '../cgroups/devices';
import { GpuAllocator, describeGpu } from '../gpu/allocator';
import type { NvidiaGpu } from '../gpu/nvidia-smi';
import type { NvidiaSetup } from '../gpu/resources';
import { never, type ContainerLimitation, type Isolator, type IsolatorContainer, type LaunchContribution } from './isolator';

const charDevice = (major: number, minor: number): DeviceEntry => ({ type: 'c', major, minor, access: RWM });

/**
 * The whole number of GPUs `resources` ask for. Scalars are exact to 3 decimals, so a fractional count (a
 * remainder of milli-GPUs) is refused as Mesos refuses it.
 */
export function requestedGpus(resources: readonly Resource[]): number {
  let milli = 0;
  for (const resource of resources) {
    if (resource.name !== 'gpus') continue;
    if (resource.type !== undefined && resource.type !== Value_Type.SCALAR) throw new Error("The 'gpus' resource must be a scalar");
    const value = resource.scalar?.value ?? 0;
    if (!Number.isFinite(value) || value < 0) throw new Error(`The 'gpus' resource must be an unsigned integer, got ${String(value)}`);
    milli += Math.round(value * 1000);
  }
  if (milli % 1000 !== 0) throw new Error(`The 'gpus' resource must be an unsigned integer, got ${milli / 1000}`);
  return milli / 1000;
}

export class NvidiaGpuIsolator implements Isolator {
  readonly name = 'gpu/nvidia';
  readonly controllers = ['devices'] as const;
  /** Which GPUs each container holds. */
  private readonly held = new Map<string, NvidiaGpu[]>();
  readonly allocator: GpuAllocator;

  constructor(
    private readonly cgroups: CgroupsManager,
    private readonly setup: NvidiaSetup,
  ) {
    if (!cgroups.supports('devices')) throw new Error(`Isolator 'gpu/nvidia' cannot be used: ${DEVICES_V2_UNSUPPORTED}`);
    this.allocator = new GpuAllocator(setup.gpus);
  }

  /** The GPUs a container holds (empty when none or unknown). */
  allocation(containerId: string): readonly NvidiaGpu[] {
    return this.held.get(containerId) ?? [];
  }

  /**
   * Forgets containers not in `known` (their GPUs become free) and, for known ones this isolator does not hold
   * yet (an agent restart), reads which GPUs their devices cgroup allows and takes those.
   */
  async recover(known: readonly string[]): Promise<void> {
    for (const id of [...this.held.keys()]) if (!known.includes(id)) await this.cleanup(id);
    for (const id of known) {
      if (this.held.has(id)) continue;
      const devices = this.cgroups.pathOf(id, 'devices');
      if (!devices) continue;
      const entries = await listDevices(devices.path).catch(() => undefined);
      if (!entries) continue; // no cgroup: the container is gone, the containerizer will notice
      const gpus = this.allocator.total().filter((gpu) =>
        entries.some((e) => e.type === 'c' && e.major === gpu.major && e.minor === gpu.minor && e.access.read),
      );
      const taken = this.allocator.allocateThese(gpus);
      if (!taken.ok) throw new Error(`gpu/nvidia: failed to recover the GPUs of container '${id}': ${taken.error.message}`);
      this.held.set(id, gpus);
    }
  }

  async prepare({ containerId, config }: IsolatorContainer): Promise<LaunchContribution | undefined> {
    if (this.held.has(containerId)) throw new Error(`gpu/nvidia: container '${containerId}' has already been prepared`);
    const devices = this.cgroups.pathOf(containerId, 'devices');
    if (!devices || devices.version !== 1) throw new Error(`gpu/nvidia: ${DEVICES_V2_UNSUPPORTED}`);
    const count = requestedGpus(config.resources);
    if (count > 0 && config.container?.mesos?.image) {
      throw new Error('gpu/nvidia: GPUs for containers with an image are not supported (the NVIDIA driver volume is not injected)');
    }
    for (const node of this.setup.controlDevices) {
      const entry = charDevice(node.major, node.minor);
      try {
        await allowDevice(devices.path, entry);
      } catch (error) {
        throw new Error(`gpu/nvidia: failed to grant cgroups access to '${node.path}': ${(error as Error).message}`, { cause: error });
      }
    }
    const allocated = this.allocator.allocate(count);
    if (!allocated.ok) throw new Error(`gpu/nvidia: ${allocated.error.message}`);
    this.held.set(containerId, allocated.value);
    for (const gpu of allocated.value) {
      const entry = charDevice(gpu.major, gpu.minor);
      try {
        await allowDevice(devices.path, entry);
      } catch (error) {
        throw new Error(`gpu/nvidia: failed to grant cgroups access to GPU device '${formatDeviceEntry(entry)}': ${(error as Error).message}`, { cause: error });
      }
    }
    // Deny explicitly the GPUs this container does not hold. With cgroups/devices' deny-all first, none of them is
    // listed and this changes nothing; it keeps them out should the list ever have been widened.
    const others = this.allocator.total().filter((gpu) => !allocated.value.includes(gpu));
    for (const gpu of others) await denyDevice(devices.path, charDevice(gpu.major, gpu.minor));
    return undefined;
  }

  async isolate(): Promise<void> {
    // The process joined its cgroups before it executed.
  }

  watch(): Promise<ContainerLimitation> {
    return never();
  }

  async usage(): Promise<Partial<ResourceStatistics>> {
    // ResourceStatistics has no GPU fields (Mesos reports none either).
    return {};
  }

  /** Gives the container's GPUs back; idempotent. */
  async cleanup(containerId: string): Promise<void> {
    const gpus = this.held.get(containerId);
    if (!gpus) return;
    this.held.delete(containerId);
    const released = this.allocator.release(gpus);
    if (!released.ok) throw new Error(`gpu/nvidia: failed to release ${gpus.map(describeGpu).join(', ')}: ${released.error.message}`);
  }
}
