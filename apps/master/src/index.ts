export {
  flagText,
  flagsModel,
  masterFlagSpec,
  parseMinAllocatable,
  parseRoles,
  parseWeights,
  type MasterFlagSpec,
  type MasterFlags,
  type Parsed,
} from './flags';
export { createLogger } from './logger';
export { packIp, startMaster, type RunningMaster, type StartMasterOptions } from './master';
export { DEFAULT_HEARTBEAT_INTERVAL_MS, MasterCore, type MasterCoreOptions, type MasterCounters } from './core';
export type { Agent, Framework, FrameworkConnectionState, TaskRecord, ExecutorRecord, UnreachableAgent } from './model';
export { resourcesJson, stateJson } from './state';
export { masterMetrics, prometheusName, prometheusText, snapshotOf } from './metrics';
export { MESOS_VERSION } from './version';
export { createMasterServer, jsonResponse, masterRoutes, metricsSnapshot, type MasterServerOptions } from './server';
export { versionInfo, type VersionInfo } from './version';
