/**
 * `cgroups/devices`: each container may use only the devices of a fixed list, as Mesos's devices subsystem
 * (src/slave/containerizer/mesos/isolators/cgroups/subsystems/devices.cpp): every device is denied first (so that
 * `devices.list` shows exactly what is allowed), then the default list below is allowed, plus any extra entries
 * (Mesos's `--allowed_devices`). `gpu/nvidia` adds the GPUs of a container on top. cgroup v1 only (see
 * cgroups/devices.ts for v2).
 */
import type { ResourceStatistics } from '@mesos-ts/proto';
import type { CgroupsManager } from '../cgroups/manager';
import { ALL_DEVICES, DEVICES_V2_UNSUPPORTED, allowDevice, denyDevice, formatDeviceEntry, parseDeviceEntry, type DeviceEntry } from '../cgroups/devices';
import { never, type ContainerLimitation, type Isolator, type IsolatorContainer, type LaunchContribution } from './isolator';

/** The devices every container may use: Mesos's default list (mknod of any node; the terminal and memory devices). */
export const DEFAULT_ALLOWED_DEVICES: readonly string[] = [
  'c *:* m', // create character device nodes
  'b *:* m', // create block device nodes
  'c 5:1 rwm', // /dev/console
  'c 4:0 rwm', // /dev/tty0
  'c 4:1 rwm', // /dev/tty1
  'c 136:* rwm', // /dev/pts/*
  'c 5:2 rwm', // /dev/ptmx
  'c 10:200 rwm', // /dev/net/tun
  'c 1:3 rwm', // /dev/null
  'c 1:5 rwm', // /dev/zero
  'c 1:7 rwm', // /dev/full
  'c 5:0 rwm', // /dev/tty
  'c 1:9 rwm', // /dev/urandom
  'c 1:8 rwm', // /dev/random
];

/** Options of {@link CgroupsDevicesIsolator}. */
export interface CgroupsDevicesOptions {
  /** Entries allowed to every container besides the default list (`c 10:229 rwm` style). */
  readonly allowed?: readonly string[];
}

/** Parses entries, naming the first bad one. */
export function parseDeviceEntries(texts: readonly string[], what: string): DeviceEntry[] {
  return texts.map((text) => {
    const entry = parseDeviceEntry(typeof text === 'string' ? text : String(text));
    if (typeof entry === 'string') throw new Error(`${what}: ${entry}`);
    return entry;
  });
}

export class CgroupsDevicesIsolator implements Isolator {
  readonly name = 'cgroups/devices';
  readonly controllers = ['devices'] as const;
  private readonly allowed: readonly DeviceEntry[];

  constructor(
    private readonly cgroups: CgroupsManager,
    options: CgroupsDevicesOptions = {},
  ) {
    if (!cgroups.supports('devices')) throw new Error(`Isolator 'cgroups/devices' cannot be used: ${DEVICES_V2_UNSUPPORTED}`);
    this.allowed = [
      ...parseDeviceEntries(DEFAULT_ALLOWED_DEVICES, 'cgroups/devices default list'),
      ...parseDeviceEntries(options.allowed ?? [], 'cgroups/devices allowed devices'),
    ];
  }

  async recover(): Promise<void> {
    // The lists live in the cgroups, which go with their containers.
  }

  async prepare({ containerId }: IsolatorContainer): Promise<LaunchContribution | undefined> {
    const devices = this.cgroups.pathOf(containerId, 'devices');
    if (!devices || devices.version !== 1) throw new Error(`cgroups/devices: ${DEVICES_V2_UNSUPPORTED}`);
    try {
      await denyDevice(devices.path, ALL_DEVICES);
    } catch (error) {
      throw new Error(`cgroups/devices: failed to deny all devices: ${(error as Error).message}`, { cause: error });
    }
    for (const entry of this.allowed) {
      try {
        await allowDevice(devices.path, entry);
      } catch (error) {
        throw new Error(`cgroups/devices: failed to allow device '${formatDeviceEntry(entry)}': ${(error as Error).message}`, { cause: error });
      }
    }
    return undefined;
  }

  async isolate(): Promise<void> {
    // The process joined its cgroups before it executed.
  }

  watch(): Promise<ContainerLimitation> {
    return never();
  }

  async usage(): Promise<Partial<ResourceStatistics>> {
    return {};
  }

  async cleanup(): Promise<void> {
    // The cgroup goes with the container.
  }
}
