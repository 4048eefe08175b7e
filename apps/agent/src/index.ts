/**
 * @mesos-ts/agent: `mesos-agent` and the pieces of it that are usable on their own: its flags, resource
 * detection and `--attributes` parsing, the master link (the agent side of the master-agent protocol, reusable
 * by simulators), the status update manager, the sandbox layout, and {@link startAgent} (the whole agent but
 * for flags, signals and exit). The daemon itself is `src/main.ts` (bin `mesos-agent`).
 */
export {
  agentFlags,
  validateAgentFlags,
  KNOWN_CONTAINERIZERS,
  SUPPORTED_CONTAINERIZERS,
  KNOWN_ISOLATORS,
  IMAGE_BACKENDS,
  type AgentFlags,
  type AgentFlagSpec,
} from './flags';
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
export {
  ComposingContainerizer,
  containersOfWorkDir,
  createContainerizers,
  defaultLauncher,
  dockerDeclines,
  mesosDeclines,
  type AgentContainerizers,
  type ComposedContainerizer,
  type CreateContainerizersOptions,
  type RecoveryReport,
} from './containerizers';
export { startAgent, MESOS_VERSION, type AgentHandle, type StartAgentOptions } from './agent';
export {
  MasterLink,
  memoryAgentIdStore,
  AGENT_ENDPOINT_PATH,
  type AgentIdStore,
  type LinkLogger,
  type MasterLinkHandlers,
  type MasterLinkOptions,
  type ReregisterReport,
} from './master-link';
export {
  StatusUpdateManager,
  isTerminalState,
  nodeTimers,
  uuidKey,
  STATUS_UPDATE_RETRY_INTERVAL_MAX_MS,
  STATUS_UPDATE_RETRY_INTERVAL_MIN_MS,
  type AcknowledgementOutcome,
  type StatusUpdateManagerOptions,
  type TimerHandle,
  type Timers,
  type UpdateOutcome,
} from './status-update-manager';
export { AgentCore, newUuid, type AgentCoreConfig, type AgentCoreOptions, type MasterPort } from './agent-core';
export type { ExecutorRecord, ExecutorState, FrameworkRecord, FrameworkState, PendingTermination } from './records';
export {
  commandExecutorInfo,
  commandExecutorName,
  defaultLauncherDir,
  executorEnvironment,
  COMMAND_EXECUTOR,
  DEFAULT_EXECUTOR,
  DEFAULT_EXECUTOR_CPUS,
  DEFAULT_EXECUTOR_MEM_MB,
  type ExecutorEnvironmentInput,
} from './executor-setup';
export { validateExecutorCall } from './executor-api';
export { createExecutorRunDir, executorRunDir, forgetAgentId, latestAgentPath, readAgentId, writeAgentId } from './paths';
export { createJsonLogger, silentLogger, type Logger } from './log';
