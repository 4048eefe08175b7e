/**
 * @mesos-ts/containerizer: how the mesos-ts agent runs executors. See README.md.
 *
 * @packageDocumentation
 */
export type { ContainerConfig, ContainerLimitation, ContainerMount, ContainerTermination, Containerizer, LaunchedContainer, TaskLaunchInfo } from './types';
export { commandTaskFlags, type CommandTaskInput } from './command-task';
export { ENTER_SCRIPT, checkStaticHelper, mountArgs } from './launcher/rootfs';
export { PosixContainerizer, type ContainerizerLogger, type PosixContainerizerOptions } from './posix-containerizer';
export { describeSignal } from './internal/termination';
export { Fetcher, type FetcherOptions, type FetchRequest, type FetchReport, type FetchedUri, type CacheUse, type FetcherCacheStats } from './fetcher';
export { MesosContainerizer, type MesosContainerizerOptions, type MesosContainerTermination } from './mesos-containerizer';
export { measureLatency, type LatencyReport } from './mesos-containerizer-bench';
export { ISOLATOR_NAMES, createIsolators } from './isolators/registry';
export type { Isolator, LaunchContribution, LaunchMount, Namespace } from './isolators/isolator';
export { DEFAULT_SANDBOX_DIRECTORY, FilesystemLinuxIsolator } from './isolators/filesystem-linux';
export { CgroupsManager } from './cgroups/manager';
export { detectLayout, type CgroupLayout } from './cgroups/layout';
export { createLinuxLauncher, createPosixLauncher, type Launcher } from './launcher/launcher';
export {
  DEFAULT_PROVISIONER_DIR,
  DEFAULT_STORE_DIR,
  DockerStore,
  Provisioner,
  computeImageLaunch,
  parseDockerRegistryFlag,
  parseImageReference,
  type ImageConfig,
  type ImageLaunch,
  type ProvisionInfo,
  type ProvisionerOptions,
} from './provisioner';
export * from './docker';
export {
  GpuAllocator,
  NVIDIA_MAJOR,
  detectNvidiaControlDevices,
  detectNvidiaGpus,
  parseNvidiaGpuDevices,
  parseNvidiaSmiQuery,
  resolveNvidiaGpus,
  type CommandRunner,
  type DeviceNode,
  type NvidiaGpu,
  type NvidiaSetup,
  type ResolveGpusOptions,
  type ResolvedGpus,
} from './gpu';
export { DEFAULT_DISK_WATCH_INTERVAL_MS, DiskDuIsolator, type DiskDuOptions, type DiskUsageProbe } from './isolators/disk-du';
export { NvidiaGpuIsolator } from './isolators/gpu-nvidia';
export { CgroupsDevicesIsolator, DEFAULT_ALLOWED_DEVICES } from './isolators/cgroups-devices';
