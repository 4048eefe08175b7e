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
export { startMaster, type RunningMaster } from './master';
export { createMasterServer, jsonResponse, masterRoutes, metricsSnapshot, type MasterServerOptions } from './server';
export { versionInfo, type VersionInfo } from './version';
