/**
 * NVIDIA GPUs: detection with nvidia-smi, the agent's `gpus` resource, and per-container allocation.
 */
export { GpuAllocator, describeGpu } from './allocator';
export {
  NVIDIA_MAJOR,
  NVIDIA_SMI_QUERY,
  detectNvidiaControlDevices,
  detectNvidiaGpus,
  execRunner,
  parseDeviceMinor,
  parseNvidiaSmiQuery,
  procBusId,
  statDevice,
  type CommandOutput,
  type CommandRunner,
  type ControlDeviceOptions,
  type DetectNvidiaOptions,
  type DeviceNode,
  type DeviceStat,
  type NvidiaGpu,
  type QueriedGpu,
} from './nvidia-smi';
export { parseNvidiaGpuDevices, resolveNvidiaGpus, type NvidiaSetup, type ResolveGpusOptions, type ResolvedGpus } from './resources';
