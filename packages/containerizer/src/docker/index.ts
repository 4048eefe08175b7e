/**
 * The Docker containerizer: containers of type DOCKER through a Docker Engine API. Re-exported from the package
 * entry (src/index.ts).
 */
export { DockerContainerizer, type DockerContainerizerOptions, type DockerRecovery } from './docker-containerizer';
export {
  DEFAULT_MAPPED_DIRECTORY,
  buildDockerPlan,
  type CreateSettings,
  type DockerContainerConfig,
  type DockerLaunchPlan,
} from './create-options';
export { DOCKER_NAME_PREFIX, dockerContainerName, parseContainerName } from './names';
export { parseBytes } from './parameters';
export { toResourceStatistics, type StatisticsLimits } from './statistics';
