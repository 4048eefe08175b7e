/**
 * Docker container names for Mesos containers. Mesos names them `mesos-<ContainerID>` (older agents used
 * `mesos-<AgentID>.<ContainerID>`), and recovers and cleans up by that name alone; we keep both. Pure.
 */

/** The prefix of every container the Docker containerizer starts. */
export const DOCKER_NAME_PREFIX = 'mesos-';

/** What Docker accepts as a container name (after the prefix, which starts it with a letter). */
const NAME_TAIL = /^[a-zA-Z0-9_.-]+$/;

/** The Docker name of container `containerId`; undefined when the ID has characters Docker refuses in names. */
export function dockerContainerName(containerId: string): string | undefined {
  return NAME_TAIL.test(containerId) ? `${DOCKER_NAME_PREFIX}${containerId}` : undefined;
}

/**
 * The container ID a Docker container name stands for, or undefined when Mesos did not start it. Accepts the
 * leading `/` the Engine API puts on names, and the old `mesos-<AgentID>.<ContainerID>` form (AgentIDs of Mesos
 * look like `<uuid>-S<n>`, so the part after the first `.` following an `-S<n>` is the container ID).
 */
export function parseContainerName(name: string): string | undefined {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  if (!bare.startsWith(DOCKER_NAME_PREFIX)) return undefined;
  const rest = bare.slice(DOCKER_NAME_PREFIX.length);
  if (rest.length === 0) return undefined;
  const legacy = /^[0-9a-f-]+-S\d+\.(.+)$/.exec(rest);
  return legacy?.[1] ?? rest;
}
