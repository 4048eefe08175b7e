/**
 * @mesos-ts/agent: the pieces of `mesos-agent` that are usable on their own: its flag spec, resource detection
 * (Mesos's defaults for cpus, mem, disk and ports, overridden by `--resources`) and `--attributes` parsing.
 * The daemon itself is `src/main.ts` (bin `mesos-agent`).
 */
export { agentFlags, validateAgentFlags, KNOWN_CONTAINERIZERS, type AgentFlags, type AgentFlagSpec } from './flags';
export {
  detectResources,
  nodeOsFacts,
  DEFAULT_CPUS,
  DEFAULT_DISK_BYTES,
  DEFAULT_MEM_BYTES,
  DEFAULT_PORTS,
  type DetectResourcesOptions,
  type OsFacts,
} from './resources';
export { formatAttributes, parseAttributes } from './attributes';
export { startAgent, type AgentHandle, type StartAgentOptions } from './agent';
