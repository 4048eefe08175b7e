import { isIPv4 } from 'node:net';
import { defineFlags, type FlagValues } from '@mesos-ts/flags';
import { validateRole } from '@mesos-ts/resources';

/** Containerizers Mesos 1.11 knows (`--containerizers`); which ones run is decided when containers land. */
export const KNOWN_CONTAINERIZERS = ['mesos', 'docker'] as const;

/** The containerizers this agent can run: all it knows. */
export const SUPPORTED_CONTAINERIZERS = KNOWN_CONTAINERIZERS;

/** Isolator names `--isolation` accepts (Mesos's names; which ones run is the containerizer's business). */
export const KNOWN_ISOLATORS = [
  'posix/cpu',
  'posix/mem',
  'filesystem/posix',
  'filesystem/linux',
  'cgroups/cpu',
  'cgroups/mem',
  'cgroups/pids',
  'cgroups/devices',
  'cgroups/all',
  'namespaces/pid',
  'disk/du',
  'gpu/nvidia',
] as const;

/** `--image_provisioner_backend` values (Mesos also has aufs and bind; neither is built). */
export const IMAGE_BACKENDS = ['overlay', 'copy'] as const;

/**
 * The flags of `mesos-agent` implemented so far, with Mesos 1.11's names and defaults
 * (`src/slave/flags.cpp`). Durations are milliseconds. `--work_dir` is required, as in Mesos
 * (a plain `std::string` flag without a default); `--master` is checked by {@link validateAgentFlags}
 * because Mesos requires it only when `--master_detector` is absent.
 */
export const agentFlags = defineFlags({
  master: {
    type: 'string',
    help:
      'The master to register with, one of:\n' +
      '  `host:port`\n' +
      '  `zk://host1:port1,host2:port2,.../path` (not supported yet)\n' +
      '  `file:///path/to/file` (the file holds one of the above)\n' +
      'Required.',
  },
  ip: {
    type: 'string',
    help: 'IPv4 address to listen on; the default is all interfaces (0.0.0.0).',
    validate: (ip) => (isIPv4(ip) ? undefined : `Expected --ip to be an IPv4 address, got '${ip}'`),
  },
  port: { type: 'integer', help: 'Port to listen on.', default: 5051, min: 0, max: 65535 },
  hostname: {
    type: 'string',
    help: 'The hostname the agent reports; the default is the machine\'s hostname.',
    validate: (name) => (name.trim() === '' ? 'Expected --hostname to be non-empty' : undefined),
  },
  work_dir: {
    type: 'string',
    required: true,
    help:
      'Directory for executor sandboxes and the agent\'s checkpointed state\n' +
      '(e.g. `/var/lib/mesos/agent`). Auto-detected disk is the size of\n' +
      'the filesystem holding it. Avoid directories cleaned automatically (`/tmp`).',
    validate: (dir) => (dir.trim() === '' ? 'Expected --work_dir to be non-empty' : undefined),
  },
  resources: {
    type: 'string',
    help:
      'Total consumable resources of this agent, as `name(role):value;...`\n' +
      '(e.g. `cpus:4;mem:8192;disk:100000;ports:[31000-32000];gpus:1`) or as a JSON\n' +
      'array of Resource objects; `file:///path` reads either from a file.\n' +
      'Names given here replace the detected ones: cpus (the number of CPUs),\n' +
      'mem (total memory less 1GB, or half of it below 2GB), disk (work_dir\'s\n' +
      'filesystem less 5GB, or half of it below 10GB) and ports ([31000-32000]).',
  },
  attributes: {
    type: 'string',
    help: 'Attributes of this agent machine, as `name:value;...` (e.g. `rack:r1;zone:west;level:2`).\nValues are text, scalars (`2.5`) or ranges (`[1-10]`).',
  },
  containerizers: {
    type: 'string',
    default: 'mesos',
    help:
      'Comma-separated list of containerizer implementations to compose, in the\n' +
      'order they are tried: `mesos` (processes with the isolators of --isolation,\n' +
      'container images through the provisioner) and `docker` (containers of type\n' +
      'DOCKER through the Docker Engine API on --docker_socket).',
    validate: (list) => {
      const names = list.split(',').map((n) => n.trim());
      for (const name of names) {
        if (!(KNOWN_CONTAINERIZERS as readonly string[]).includes(name)) {
          return `Unknown containerizer '${name}' in --containerizers='${list}'; expected a comma-separated list of ${KNOWN_CONTAINERIZERS.map((c) => `'${c}'`).join(', ')}`;
        }
      }
      if (new Set(names).size !== names.length) return `Duplicate entries in --containerizers='${list}'`;
      return undefined;
    },
  },
  isolation: {
    type: 'string',
    default: 'posix/cpu,posix/mem',
    help:
      'Comma-separated isolation mechanisms of the mesos containerizer: `posix/cpu`,\n' +
      '`posix/mem` (usage only), `filesystem/posix`, `cgroups/cpu`, `cgroups/mem`,\n' +
      '`cgroups/pids`, `cgroups/devices`, `cgroups/all` (every cgroups isolator this host can run),\n' +
      '`namespaces/pid`, `filesystem/linux` (container images), `disk/du`, `gpu/nvidia`\n' +
      '(with `cgroups/devices` or `cgroups/all`).\n' +
      '`namespaces/pid` and `filesystem/linux` need the linux launcher.',
    validate: (list) => {
      const names = list.split(',').map((n) => n.trim());
      if (names.some((n) => n === '')) return `Expected --isolation to be a comma-separated list without empty entries, got '${list}'`;
      const unknown = names.find((n) => !(KNOWN_ISOLATORS as readonly string[]).includes(n));
      if (unknown !== undefined) return `Unknown isolator '${unknown}' in --isolation='${list}'; known: ${KNOWN_ISOLATORS.join(', ')}`;
      return undefined;
    },
  },
  launcher: {
    type: 'string',
    help:
      'The launcher of the mesos containerizer: `linux` (new mount, uts and ipc\n' +
      'namespaces, processes in their cgroups before they run) or `posix` (a process\n' +
      'group). Required by `namespaces/pid` and `filesystem/linux`. Default: `linux` when\n' +
      'the agent runs as root and the freezer cgroup (or cgroup v2) is available, else `posix`.',
    validate: (name) => (name === 'linux' || name === 'posix' ? undefined : `Invalid --launcher '${name}'; expected 'linux' or 'posix'`),
  },
  cgroups_root: {
    type: 'string',
    default: 'mesos',
    help: 'Name of the root cgroup under which every container\'s cgroups are made.',
    validate: (root) =>
      root.split('/').filter(Boolean).length === 0 || root.split('/').some((s) => s === '..' || s === '.')
        ? `Invalid --cgroups_root '${root}'; expected a cgroup name such as 'mesos'`
        : undefined,
  },
  cgroups_enable_cfs: {
    type: 'boolean',
    default: false,
    help: 'Cgroups feature flag to enable hard limits on CPU resources via the CFS\nbandwidth limiting subfeature (`cpu.cfs_quota_us`).',
  },
  docker_registry: {
    type: 'string',
    default: 'https://registry-1.docker.io',
    help:
      'Where the mesos containerizer pulls Docker images from: a Docker Registry v2 URL\n' +
      '(e.g. `https://registry.docker.io`) or a local directory of `docker save` archives\n' +
      '(e.g. `/tmp/docker/images`, holding `<name>[:<tag>].tar`). It does not change\n' +
      'where the Docker containerizer pulls from.',
    validate: (value) => (value.startsWith('/') || /^https?:\/\/[^\s/]+/i.test(value) || /^[a-z0-9.-]+(:\d+)?(\/.*)?$/i.test(value)
      ? undefined
      : `Invalid --docker_registry '${value}'; expected an absolute path or an http(s) URL`),
  },
  docker_store_dir: {
    type: 'string',
    default: '/tmp/mesos/store/docker',
    help: 'Directory the Docker provisioner stores images (layers by digest) in.',
    validate: (dir) => (dir.startsWith('/') ? undefined : `Expected --docker_store_dir to be an absolute path, got '${dir}'`),
  },
  image_providers: {
    type: 'string',
    help:
      'Comma-separated list of supported image providers, e.g. `DOCKER`. Only `DOCKER` is\n' +
      'supported (APPC is not); images are provisioned whenever `filesystem/linux` is in --isolation.',
    validate: (value) => {
      const unknown = value.split(',').map((p) => p.trim()).filter((p) => p.toUpperCase() !== 'DOCKER');
      return unknown.length === 0 ? undefined : `Unsupported image provider(s) '${unknown.join(',')}' in --image_providers; only DOCKER is supported`;
    },
  },
  image_provisioner_backend: {
    type: 'string',
    help: 'Strategy for provisioning container root filesystems from images: `overlay` or\n`copy`. Default: overlay where the kernel and filesystem allow it, else copy.',
    validate: (name) => (IMAGE_BACKENDS.includes(name as (typeof IMAGE_BACKENDS)[number]) ? undefined : `Invalid --image_provisioner_backend '${name}'; expected one of ${IMAGE_BACKENDS.map((b) => `'${b}'`).join(', ')}`),
  },
  docker_socket: {
    type: 'string',
    default: '/var/run/docker.sock',
    help: 'The unix socket of the Docker Engine API the docker containerizer uses.',
    validate: (path) => (path.startsWith('/') ? undefined : `Expected --docker_socket to be an absolute path, got '${path}'`),
  },
  docker_config: {
    type: 'string',
    help:
      'The default docker config for pulling images from private registries, as a JSON\n' +
      'string, `file:///path` or an absolute path (the format of `$HOME/.docker/config.json` or\n' +
      '`$HOME/.dockercfg`), e.g. `{"auths":{"https://index.docker.io/v1/":{"auth":"..."}}}`.',
    validate: (text) => {
      if (text.startsWith('/')) return undefined; // a file, read at start
      try {
        const parsed: unknown = JSON.parse(text);
        return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? undefined : 'Expected --docker_config to be a JSON object';
      } catch (e) {
        return `Invalid JSON in --docker_config: ${(e as Error).message}`;
      }
    },
  },
  sandbox_directory: {
    type: 'string',
    default: '/mnt/mesos/sandbox',
    help: 'The absolute path inside a container (image or Docker) where the sandbox is mounted.',
    validate: (dir) => (dir.startsWith('/') ? undefined : `Expected --sandbox_directory to be an absolute path, got '${dir}'`),
  },
  fetcher_cache_dir: {
    type: 'string',
    default: '/tmp/mesos/fetch',
    help: 'Directory for the fetcher cache (URIs with `cache: true`). The agent clears it on startup;\nput it on its own volume if you can.',
    validate: (dir) => (dir.startsWith('/') ? undefined : `Expected --fetcher_cache_dir to be an absolute path, got '${dir}'`),
  },
  fetcher_cache_size: {
    type: 'bytes',
    default: 2 * 1024 * 1024 * 1024,
    help: 'Size of the fetcher cache in bytes (e.g. `2GB`); 0 turns the cache off.',
  },
  fetcher_stall_timeout: {
    type: 'duration',
    default: 60_000,
    help: 'How long the fetcher waits on a download that receives nothing before it gives up.',
    validate: (ms) => (ms <= 0 ? 'Expected --fetcher_stall_timeout to be positive' : undefined),
  },
  frameworks_home: {
    type: 'string',
    help: 'Directory path prepended to relative executor URIs.',
  },
  enforce_container_disk_quota: {
    type: 'boolean',
    default: false,
    help: 'Whether `disk/du` ends a container that uses more disk than its `disk` resource\n(REASON_CONTAINER_LIMITATION_DISK).',
  },
  container_disk_watch_interval: {
    type: 'duration',
    default: 15_000,
    help: 'The interval between disk usage checks of containers (`disk/du`).',
    validate: (ms) => (ms <= 0 ? 'Expected --container_disk_watch_interval to be positive' : undefined),
  },
  nvidia_gpu_devices: {
    type: 'string',
    help:
      'A comma-separated list of Nvidia GPU devices (NVML indices, as `nvidia-smi` lists them)\n' +
      'this agent offers when `gpus` is in --resources; isolated with `gpu/nvidia`.',
    validate: (list) => (/^\s*\d+\s*(,\s*\d+\s*)*$/.test(list) ? undefined : `Invalid --nvidia_gpu_devices '${list}'; expected a comma-separated list of GPU indices, e.g. '0,1'`),
  },
  executor_registration_timeout: {
    type: 'duration',
    default: 60_000,
    help: 'How long an executor may take to register with the agent before it is\nconsidered hung and shut down (e.g. 60secs, 3mins).',
    validate: (ms) => (ms <= 0 ? 'Expected --executor_registration_timeout to be positive' : undefined),
  },
  executor_shutdown_grace_period: {
    type: 'duration',
    default: 5_000,
    help: 'Default time an executor is given to shut down (e.g. 60secs, 3mins);\n`ExecutorInfo.shutdown_grace_period` overrides it.',
    validate: (ms) => (ms < 0 ? 'Expected --executor_shutdown_grace_period to be non-negative' : undefined),
  },
  default_role: {
    type: 'string',
    default: '*',
    help: '(Deprecated in Mesos.) Role given to resources in --resources that name none and to\nauto-detected resources; a role other than `*` reserves them statically.',
    validate: (role) => {
      const valid = validateRole(role);
      return valid.ok ? undefined : `Invalid --default_role '${role}': ${valid.error.message}`;
    },
  },
  switch_user: {
    type: 'boolean',
    default: true,
    help:
      'Run tasks as the user who submitted them (`CommandInfo.user`, else `FrameworkInfo.user`).\n' +
      'This needs the agent to run as root; an agent that is not root runs tasks as its own user.\n' +
      'If false, tasks always run as the agent\'s user.',
  },
  launcher_dir: {
    type: 'string',
    help:
      'Directory holding the executors (`mesos-executor.js`, `mesos-default-executor.js`).\n' +
      'Default: the `dist` directory of @mesos-ts/executor.',
    validate: (dir) => (dir.trim() === '' ? 'Expected --launcher_dir to be non-empty' : undefined),
  },
  registration_backoff_factor: {
    type: 'duration',
    default: 1_000,
    help:
      'The agent waits a random time in `[0, b]`, `b = registration_backoff_factor`, before it\n' +
      're-registers after losing the master; each further failure doubles `b`, up to 1mins.',
    validate: (ms) => (ms < 0 ? 'Expected --registration_backoff_factor to be non-negative' : undefined),
  },
  recovery_timeout: {
    type: 'duration',
    default: 900_000,
    help:
      'Time allotted for the agent to recover; executors of checkpointing frameworks\n' +
      'that wait longer to reconnect terminate themselves (`MESOS_RECOVERY_TIMEOUT`).',
    validate: (ms) => (ms <= 0 ? 'Expected --recovery_timeout to be positive' : undefined),
  },
});

export type AgentFlagSpec = typeof agentFlags;
export type AgentFlags = FlagValues<AgentFlagSpec>;

/**
 * Checks across flags that the flag declarations cannot express, with Mesos's messages where Mesos has one
 * (`src/slave/main.cpp`). Returns the first problem, or undefined.
 */
export function validateAgentFlags(flags: AgentFlags): string | undefined {
  const isolation = flags.isolation.split(',').map((n) => n.trim());
  const needsLinux = isolation.find((n) => n.startsWith('namespaces/') || n === 'filesystem/linux');
  if (needsLinux !== undefined && flags.launcher === 'posix') {
    return `Isolator '${needsLinux}' in --isolation needs the linux launcher; use --launcher=linux (not --launcher=posix)`;
  }
  if (flags.nvidia_gpu_devices !== undefined && !isolation.includes('gpu/nvidia')) {
    return "Flag '--nvidia_gpu_devices' needs 'gpu/nvidia' in --isolation";
  }
  if (flags.master === undefined || flags.master.trim() === '') {
    return 'Missing required option `--master`';
  }
  const master = flags.master.trim();
  if (master.startsWith('zk://')) {
    return `Unsupported --master '${master}': ZooKeeper master detection is not implemented yet; give the master as host:port`;
  }
  const m = /^(?:https?:\/\/)?([^:/\s]+|\[[0-9a-fA-F:.]+\]):(\d+)$/.exec(master);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || !(port > 0 && port <= 65535)) {
    return `Invalid --master '${master}': expected host:port (e.g. 10.0.0.1:5050)`;
  }
  return undefined;
}
