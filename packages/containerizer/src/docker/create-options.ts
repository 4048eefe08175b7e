/**
 * Turning a Docker task's config into the Engine API's create request, as Mesos's `Docker::RunOptions::create`
 * turns it into a `docker run` command line: cpu shares (and a CFS quota) and a memory limit from the resources,
 * the network, port mappings checked against the offered ports, volumes, the sandbox mounted at
 * `/mnt/mesos/sandbox`, the environment, `privileged`, the command, then `parameters` on top. Pure: every refusal
 * names the field or value.
 */
import { isAbsolute, posix } from 'node:path';
import type Docker from 'dockerode';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import {
  ContainerInfo_DockerInfo_Network,
  ContainerInfo_Type,
  Environment_Variable_Type,
  Value_Type,
  Volume_Mode,
  Volume_Source_Type,
  type ContainerInfo,
  type Resource,
} from '@mesos-ts/proto';
import { buildEnvironment, containerLimits } from '../internal/launch-spec';
import type { ContainerConfig } from '../types';
import { dockerContainerName } from './names';
import { applyParameters, type CreateDraft } from './parameters';

/** A container config for the Docker containerizer: the common one plus the task's `ContainerInfo` (type DOCKER). */
export interface DockerContainerConfig extends ContainerConfig {
  /** `type` must be DOCKER and `docker.image` set; `volumes`, `hostname` and `network_infos` apply too. */
  readonly container: ContainerInfo;
}

/** Settings of the agent that shape every create request (Mesos's agent flags of the same meaning). */
export interface CreateSettings {
  /** `--cgroups_enable_cfs`: also cap CPU time with a CFS quota of `cpus` (default false: shares only). */
  readonly enableCfsQuota?: boolean;
  /** `--sandbox_directory`: where the sandbox appears in the container (default `/mnt/mesos/sandbox`). */
  readonly mappedDirectory?: string;
}

/** Everything needed to pull, create and describe one Docker container. */
export interface DockerLaunchPlan {
  /** `mesos-<containerId>`. */
  readonly name: string;
  readonly image: string;
  /** `docker.force_pull_image`: pull even when the image is present. */
  readonly forcePull: boolean;
  /** The body of `POST /containers/create` (without the name, which goes in the query). */
  readonly create: Docker.ContainerCreateOptions;
  /** The limits set, for usage statistics: CPUs (shares) and the memory limit in bytes. */
  readonly cpus?: number;
  readonly memLimitBytes?: bigint;
}

/** Where Mesos mounts the sandbox in a container. */
export const DEFAULT_MAPPED_DIRECTORY = '/mnt/mesos/sandbox';

/** Mesos's cgroups constants, which its Docker containerizer uses too. */
const CPU_SHARES_PER_CPU = 1024;
const MIN_CPU_SHARES = 2;
const CPU_CFS_PERIOD_US = 100_000;
const MIN_CPU_CFS_QUOTA_US = 1_000;
const MIN_MEMORY_BYTES = 32 * 1024 * 1024;

const invalid = (message: string): { readonly ok: false; readonly error: MesosTsError } =>
  err(new MesosTsError('INVALID_ARGUMENT', message));

/** The host ports `resources` offer, as inclusive ranges. */
function offeredPorts(resources: readonly Resource[]): { begin: bigint; end: bigint }[] {
  const ranges: { begin: bigint; end: bigint }[] = [];
  for (const resource of resources) {
    if (resource?.name !== 'ports' || resource.type !== Value_Type.RANGES) continue;
    for (const range of resource.ranges?.range ?? []) {
      if (range.begin !== undefined && range.end !== undefined)
        ranges.push({ begin: BigInt(range.begin), end: BigInt(range.end) });
    }
  }
  return ranges;
}

function networkMode(container: ContainerInfo): Result<string> {
  const network = container.docker?.network ?? ContainerInfo_DockerInfo_Network.HOST;
  switch (network) {
    case ContainerInfo_DockerInfo_Network.HOST:
      return ok('host');
    case ContainerInfo_DockerInfo_Network.BRIDGE:
      return ok('bridge');
    case ContainerInfo_DockerInfo_Network.NONE:
      return ok('none');
    case ContainerInfo_DockerInfo_Network.USER: {
      const infos = container.networkInfos ?? [];
      if (infos.length === 0) return invalid('container.docker.network is USER but container.network_infos is empty');
      if (infos.length > 1) return invalid('container.network_infos: a Docker container joins a single network');
      const name = infos[0]?.name;
      if (!name) return invalid('container.network_infos[0].name is required for a USER network');
      return ok(name);
    }
    default:
      return invalid(`container.docker.network has unsupported value ${String(network)}`);
  }
}

/** `container.volumes` as Docker binds (`source:target:mode`), Mesos's rules for relative paths included. */
function volumeBinds(
  container: ContainerInfo,
  sandbox: string,
  mapped: string,
): Result<{ binds: string[]; driver?: string }> {
  const binds: string[] = [];
  let driver = container.docker?.volumeDriver || undefined;
  for (const [i, volume] of (container.volumes ?? []).entries()) {
    const where = `container.volumes[${i}]`;
    const target = volume.containerPath;
    if (!target) return invalid(`${where}.container_path is required`);
    // A relative container path is under the sandbox as the container sees it.
    const inside = isAbsolute(target) ? target : posix.join(mapped, target);
    const mode = volume.mode ?? Volume_Mode.RW;
    if (mode !== Volume_Mode.RW && mode !== Volume_Mode.RO)
      return invalid(`${where}.mode has unsupported value ${String(mode)}`);
    const suffix = mode === Volume_Mode.RO ? 'ro' : 'rw';
    if (volume.hostPath) {
      if (!isAbsolute(volume.hostPath) && !isAbsolute(target)) {
        return invalid(`${where}: both host_path '${volume.hostPath}' and container_path '${target}' are relative`);
      }
      // A relative host path is a directory of the sandbox (unless a volume driver interprets it).
      const source = isAbsolute(volume.hostPath) || driver ? volume.hostPath : posix.join(sandbox, volume.hostPath);
      binds.push(`${source}:${inside}:${suffix}`);
    } else if (volume.source) {
      // Mesos's Docker containerizer mounts only Docker volumes and skips other sources.
      if (volume.source.type !== Volume_Source_Type.DOCKER_VOLUME) continue;
      const named = volume.source.dockerVolume;
      if (!named?.name) return invalid(`${where}.source.docker_volume.name is required`);
      if (named.driver) {
        if (driver !== undefined && driver !== named.driver) {
          return invalid(
            `${where}: only one volume driver per container is supported ('${driver}' and '${named.driver}')`,
          );
        }
        driver = named.driver;
      }
      binds.push(`${named.name}:${inside}:${suffix}`);
    } else {
      return invalid(`${where} needs host_path or source`);
    }
  }
  return ok({ binds, ...(driver !== undefined ? { driver } : {}) });
}

/**
 * Validates `config` and builds the plan to create its container. The sandbox's existence and the image are
 * checked at launch.
 */
export function buildDockerPlan(
  config: DockerContainerConfig,
  settings: CreateSettings = {},
): Result<DockerLaunchPlan> {
  if (typeof config !== 'object' || config === null) return invalid('container config must be an object');
  if (typeof config.containerId !== 'string' || config.containerId.length === 0) {
    return invalid('containerId must be a non-empty string');
  }
  const name = dockerContainerName(config.containerId);
  if (name === undefined) {
    return invalid(
      `containerId '${config.containerId}' has characters a Docker container name cannot hold (allowed: a-z A-Z 0-9 _ . -)`,
    );
  }
  if (typeof config.sandbox !== 'string' || !isAbsolute(config.sandbox)) {
    return invalid(`sandbox of container '${config.containerId}' must be an absolute path`);
  }
  const container = config.container as ContainerInfo | undefined;
  if (typeof container !== 'object' || container === null) return invalid('container (a ContainerInfo) is required');
  if (container.type !== ContainerInfo_Type.DOCKER) {
    return invalid(`container.type must be DOCKER for the Docker containerizer, got ${String(container.type)}`);
  }
  const docker = container.docker;
  if (!docker?.image) return invalid('container.docker.image is required');
  const mapped = settings.mappedDirectory ?? DEFAULT_MAPPED_DIRECTORY;
  if (!isAbsolute(mapped)) return invalid(`the sandbox directory in containers must be absolute, got '${mapped}'`);

  const command = config.command as ContainerConfig['command'] | undefined;
  if (typeof command !== 'object' || command === null) return invalid('command must be a CommandInfo object');
  const shell = command.shell ?? true;
  const argv = command.arguments ?? [];
  if (!Array.isArray(argv) || argv.some((a) => typeof a !== 'string'))
    return invalid('command.arguments must be strings');
  let entrypoint: string[] | undefined;
  let cmd: string[];
  if (shell) {
    // As Mesos: a shell command replaces the image's entrypoint with `/bin/sh -c <value>`.
    if (!command.value) return invalid('command.shell is true but command.value is empty');
    entrypoint = ['/bin/sh'];
    cmd = ['-c', command.value];
  } else {
    // As Mesos: value and arguments are the arguments of the image's own entrypoint.
    cmd = [...(command.value ? [command.value] : []), ...argv];
  }

  const secret = (command.environment?.variables ?? []).findIndex((v) => v?.type === Environment_Variable_Type.SECRET);
  if (secret >= 0) {
    return invalid(
      `command.environment.variables[${secret}] is a SECRET; the Docker containerizer has no secret resolver`,
    );
  }
  const environment = buildEnvironment(config.environment, command);
  if (!environment.ok) return environment;
  const env: Record<string, string> = { ...environment.value, MESOS_SANDBOX: mapped, MESOS_CONTAINER_NAME: name };
  const role = config.resources.find((r) => r?.allocationInfo?.role)?.allocationInfo?.role;
  if (role) env.MESOS_ALLOCATION_ROLE = role;

  const network = networkMode(container);
  if (!network.ok) return network;
  if (container.hostname && network.value === 'host') {
    return invalid('container.hostname cannot be set with the HOST network');
  }

  const ports: CreateDraft['ports'] = {};
  const mappings = docker.portMappings ?? [];
  if (mappings.length > 0) {
    if (network.value === 'host' || network.value === 'none') {
      return invalid('container.docker.port_mappings are only supported with BRIDGE and USER networks');
    }
    const offered = offeredPorts(config.resources);
    if (offered.length === 0) return invalid('container.docker.port_mappings need ports resources');
    for (const [i, mapping] of mappings.entries()) {
      const where = `container.docker.port_mappings[${i}]`;
      const { hostPort, containerPort } = mapping;
      if (!Number.isInteger(hostPort) || !Number.isInteger(containerPort)) {
        return invalid(`${where} needs integer host_port and container_port`);
      }
      const host = BigInt(hostPort as number);
      if (!offered.some((r) => host >= r.begin && host <= r.end)) {
        return invalid(`${where}: port [${String(hostPort)}] not included in resources`);
      }
      const protocol = (mapping.protocol ?? 'tcp').toLowerCase();
      if (!['tcp', 'udp', 'sctp'].includes(protocol))
        return invalid(`${where}.protocol '${mapping.protocol ?? ''}' is not tcp, udp or sctp`);
      const key = `${String(containerPort)}/${protocol}`;
      ports[key] = [...(ports[key] ?? []), { HostPort: String(hostPort) }];
    }
  }

  const volumes = volumeBinds(container, config.sandbox, mapped);
  if (!volumes.ok) return volumes;

  const limits = containerLimits(config.resources);
  const host: Docker.HostConfig = {
    NetworkMode: network.value,
    // The sandbox last, as Mesos adds it after the task's volumes.
    Binds: [...volumes.value.binds, `${config.sandbox}:${mapped}`],
    Privileged: docker.privileged ?? false,
  };
  if (volumes.value.driver !== undefined) host.VolumeDriver = volumes.value.driver;
  if (limits.cpus !== undefined) {
    host.CpuShares = Math.max(Math.floor(CPU_SHARES_PER_CPU * limits.cpus), MIN_CPU_SHARES);
    if (settings.enableCfsQuota) {
      host.CpuPeriod = CPU_CFS_PERIOD_US;
      host.CpuQuota = Math.max(Math.floor(CPU_CFS_PERIOD_US * limits.cpus), MIN_CPU_CFS_QUOTA_US);
    }
  }
  let memLimitBytes: bigint | undefined;
  if (limits.memBytes !== undefined) {
    const bytes = Math.max(Number(limits.memBytes), MIN_MEMORY_BYTES);
    host.Memory = bytes;
    memLimitBytes = BigInt(bytes);
  }

  const draft: CreateDraft = {
    body: {
      Image: docker.image,
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      ...(entrypoint ? { Entrypoint: entrypoint } : {}),
      ...(cmd.length > 0 ? { Cmd: cmd } : {}),
      ...(container.hostname ? { Hostname: container.hostname } : {}),
      // No terminal and no stdin: output is read through the multiplexed logs stream.
      Tty: false,
      OpenStdin: false,
      AttachStdin: false,
    },
    host,
    ports,
  };
  const applied = applyParameters(draft, docker.parameters ?? []);
  if (!applied.ok) return applied;

  const published = Object.keys(draft.ports);
  if (published.length > 0) {
    draft.body.ExposedPorts = {
      ...(draft.body.ExposedPorts ?? {}),
      ...Object.fromEntries(published.map((p) => [p, {}])),
    };
    draft.host.PortBindings = draft.ports;
  }
  // A `--memory` parameter overrides the limit from the resources; report the one actually set.
  if (draft.host.Memory !== undefined && draft.host.Memory > 0) memLimitBytes = BigInt(draft.host.Memory);

  return ok({
    name,
    image: docker.image,
    forcePull: docker.forcePullImage ?? false,
    create: { ...draft.body, HostConfig: draft.host },
    ...(limits.cpus !== undefined ? { cpus: limits.cpus } : {}),
    ...(memLimitBytes !== undefined ? { memLimitBytes } : {}),
  });
}
