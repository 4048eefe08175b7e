/**
 * `DockerInfo.parameters`: Mesos hands each `{key, value}` to the docker CLI as `--key=value`. We talk to the Engine
 * API instead, so each flag the CLI knows is mapped onto the create request's field it would have set. A flag we
 * cannot map is refused by name: passing it on silently dropped would run the task differently from what was asked.
 * Pure.
 */
import type Docker from 'dockerode';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';

/** A create request being assembled: the body and its HostConfig, both mutable while parameters apply. */
export interface CreateDraft {
  body: Docker.ContainerCreateOptions;
  host: Docker.HostConfig;
  /** Ports to publish (`--publish`), as `<container port>/<protocol>` -> host bindings. */
  ports: Record<string, { HostIp?: string; HostPort: string }[]>;
}

type Apply = (draft: CreateDraft, value: string, key: string) => string | undefined;

const invalid = (message: string): { readonly ok: false; readonly error: MesosTsError } =>
  err(new MesosTsError('INVALID_ARGUMENT', message));

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/**
 * Parses a size as the docker CLI does (`RAMInBytes`): a number, optionally fractional, with an optional binary
 * unit `b k m g t p` (case-insensitive, optionally followed by `b`, as in `512mb`). Undefined when malformed.
 */
export function parseBytes(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([bkmgtp]?)b?\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = UNITS[(match[2] ?? '').toLowerCase()];
  if (unit === undefined) return undefined;
  return Math.floor(Number(match[1]) * unit);
}

function parseInteger(text: string): number | undefined {
  return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

function parseBoolean(text: string): boolean | undefined {
  // `--read-only` given without a value reaches us as an empty value; the CLI treats a bare flag as true.
  const lowered = text.trim().toLowerCase();
  if (lowered === '' || lowered === 'true' || lowered === '1') return true;
  if (lowered === 'false' || lowered === '0') return false;
  return undefined;
}

function splitPair(text: string, separator: string): [string, string] | undefined {
  const at = text.indexOf(separator);
  return at <= 0 ? undefined : [text.slice(0, at), text.slice(at + separator.length)];
}

const push = <T>(list: T[] | undefined, item: T): T[] => [...(list ?? []), item];

const bytes =
  (set: (draft: CreateDraft, n: number) => void): Apply =>
  (draft, value, key) => {
    const n = parseBytes(value);
    if (n === undefined) return `parameter '${key}' has an invalid size '${value}' (e.g. 512m, 1g)`;
    set(draft, n);
    return undefined;
  };

const integer =
  (set: (draft: CreateDraft, n: number) => void): Apply =>
  (draft, value, key) => {
    const n = parseInteger(value);
    if (n === undefined) return `parameter '${key}' needs an integer, got '${value}'`;
    set(draft, n);
    return undefined;
  };

const boolean =
  (set: (draft: CreateDraft, b: boolean) => void): Apply =>
  (draft, value, key) => {
    const b = parseBoolean(value);
    if (b === undefined) return `parameter '${key}' needs true or false, got '${value}'`;
    set(draft, b);
    return undefined;
  };

const text =
  (set: (draft: CreateDraft, s: string) => void): Apply =>
  (draft, value, key) => {
    if (value.length === 0) return `parameter '${key}' needs a value`;
    set(draft, value);
    return undefined;
  };

const keyValue =
  (set: (draft: CreateDraft, k: string, v: string) => void, separator = '='): Apply =>
  (draft, value, key) => {
    const pair = splitPair(value, separator);
    if (!pair) return `parameter '${key}' needs '<name>${separator}<value>', got '${value}'`;
    set(draft, pair[0], pair[1]);
    return undefined;
  };

/** `--publish [ip:][hostPort:]containerPort[/proto]`, one port (no ranges). */
const publish: Apply = (draft, value, key) => {
  const match = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d+)?:)?(\d+)(?:\/(tcp|udp|sctp))?$/.exec(value.trim());
  if (!match) return `parameter '${key}' needs '[ip:][hostPort:]containerPort[/protocol]', got '${value}'`;
  const [, ip, hostPort, containerPort, protocol = 'tcp'] = match;
  const port = `${containerPort ?? ''}/${protocol}`;
  draft.ports[port] = push(draft.ports[port], { ...(ip ? { HostIp: ip } : {}), HostPort: hostPort ?? '' });
  return undefined;
};

/** `--ulimit name=soft[:hard]`. */
const ulimit: Apply = (draft, value, key) => {
  const match = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(value.trim());
  if (!match) return `parameter '${key}' needs '<name>=<soft>[:<hard>]', got '${value}'`;
  const soft = Number(match[2]);
  draft.host.Ulimits = push(draft.host.Ulimits, {
    Name: match[1] ?? '',
    Soft: soft,
    Hard: match[3] ? Number(match[3]) : soft,
  });
  return undefined;
};

/** `--device host[:container[:perms]]`. */
const device: Apply = (draft, value, key) => {
  const [hostPath = '', containerPath = hostPath, permissions = 'rwm', ...rest] = value.split(':');
  if (!hostPath.startsWith('/') || rest.length > 0 || !/^[rwm]+$/.test(permissions)) {
    return `parameter '${key}' needs '/host/path[:/container/path[:rwm]]', got '${value}'`;
  }
  draft.host.Devices = push(draft.host.Devices, {
    PathOnHost: hostPath,
    PathInContainer: containerPath,
    CgroupPermissions: permissions,
  });
  return undefined;
};

/** `--tmpfs /path[:options]`. */
const tmpfs: Apply = (draft, value, key) => {
  const [path = '', options = ''] = [value.split(':')[0], value.split(':').slice(1).join(':')];
  if (!path.startsWith('/')) return `parameter '${key}' needs an absolute path, got '${value}'`;
  draft.host.Tmpfs = { ...(draft.host.Tmpfs ?? {}), [path]: options };
  return undefined;
};

/** `--cpus 1.5`: a CFS quota in nano-CPUs. */
const cpus: Apply = (draft, value, key) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    return `parameter '${key}' needs a number of CPUs, got '${value}'`;
  draft.host.NanoCpus = Math.round(n * 1e9);
  return undefined;
};

/** The `docker run` flags we map, by long name; short aliases below. */
const FLAGS: Readonly<Record<string, Apply>> = {
  env: keyValue((d, k, v) => {
    d.body.Env = push(d.body.Env, `${k}=${v}`);
  }),
  label: (draft, value, key) => {
    if (value.length === 0) return `parameter '${key}' needs '<name>[=<value>]'`;
    const [name, labelValue = ''] = splitPair(value, '=') ?? [value, ''];
    draft.body.Labels = { ...(draft.body.Labels ?? {}), [name]: labelValue };
    return undefined;
  },
  hostname: text((d, s) => {
    d.body.Hostname = s;
  }),
  user: text((d, s) => {
    d.body.User = s;
  }),
  workdir: text((d, s) => {
    d.body.WorkingDir = s;
  }),
  entrypoint: (draft, value) => {
    // The CLI takes one word here (an empty value clears the image's entrypoint); arguments go in the command.
    draft.body.Entrypoint = value.length === 0 ? [] : [value];
    return undefined;
  },
  'stop-signal': text((d, s) => {
    d.body.StopSignal = s;
  }),
  'stop-timeout': integer((d, n) => {
    d.body.StopTimeout = n;
  }),
  'mac-address': text((d, s) => {
    d.body.MacAddress = s;
  }),
  expose: (draft, value, key) => {
    const match = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(value.trim());
    if (!match) return `parameter '${key}' needs '<port>[/protocol]', got '${value}'`;
    draft.body.ExposedPorts = { ...(draft.body.ExposedPorts ?? {}), [`${match[1] ?? ''}/${match[2] ?? 'tcp'}`]: {} };
    return undefined;
  },
  publish,
  memory: bytes((d, n) => {
    d.host.Memory = n;
  }),
  'memory-swap': (draft, value, key) => {
    // -1 means unlimited swap, as in the CLI.
    const n = value.trim() === '-1' ? -1 : parseBytes(value);
    if (n === undefined) return `parameter '${key}' has an invalid size '${value}' (e.g. 1g, or -1)`;
    draft.host.MemorySwap = n;
    return undefined;
  },
  'memory-reservation': bytes((d, n) => {
    d.host.MemoryReservation = n;
  }),
  'memory-swappiness': integer((d, n) => {
    d.host.MemorySwappiness = n;
  }),
  'kernel-memory': bytes((d, n) => {
    d.host.KernelMemory = n;
  }),
  'shm-size': bytes((d, n) => {
    d.host.ShmSize = n;
  }),
  'cpu-shares': integer((d, n) => {
    d.host.CpuShares = n;
  }),
  'cpu-period': integer((d, n) => {
    d.host.CpuPeriod = n;
  }),
  'cpu-quota': integer((d, n) => {
    d.host.CpuQuota = n;
  }),
  cpus,
  'cpuset-cpus': text((d, s) => {
    d.host.CpusetCpus = s;
  }),
  'cpuset-mems': text((d, s) => {
    d.host.CpusetMems = s;
  }),
  'blkio-weight': integer((d, n) => {
    d.host.BlkioWeight = n;
  }),
  'pids-limit': integer((d, n) => {
    d.host.PidsLimit = n;
  }),
  'oom-kill-disable': boolean((d, b) => {
    d.host.OomKillDisable = b;
  }),
  'oom-score-adj': integer((d, n) => {
    d.host.OomScoreAdj = n;
  }),
  'cap-add': text((d, s) => {
    d.host.CapAdd = push(d.host.CapAdd, s);
  }),
  'cap-drop': text((d, s) => {
    d.host.CapDrop = push(d.host.CapDrop, s);
  }),
  'security-opt': text((d, s) => {
    d.host.SecurityOpt = push(d.host.SecurityOpt, s);
  }),
  'group-add': text((d, s) => {
    d.host.GroupAdd = push(d.host.GroupAdd, s);
  }),
  device,
  dns: text((d, s) => {
    d.host.Dns = push(d.host.Dns, s);
  }),
  'dns-search': text((d, s) => {
    d.host.DnsSearch = push(d.host.DnsSearch, s);
  }),
  'dns-option': text((d, s) => {
    d.host.DnsOptions = push(d.host.DnsOptions, s);
  }),
  'add-host': keyValue((d, k, v) => {
    // The API wants `host:ip`; the CLI accepts `host:ip` and `host=ip`.
    d.host.ExtraHosts = push(d.host.ExtraHosts, `${k}:${v}`);
  }, ':'),
  volume: text((d, s) => {
    d.host.Binds = push(d.host.Binds, s);
  }),
  'volumes-from': text((d, s) => {
    d.host.VolumesFrom = push(d.host.VolumesFrom, s);
  }),
  tmpfs,
  'read-only': boolean((d, b) => {
    d.host.ReadonlyRootfs = b;
  }),
  init: boolean((d, b) => {
    d.host.Init = b;
  }),
  ipc: text((d, s) => {
    d.host.IpcMode = s;
  }),
  pid: text((d, s) => {
    d.host.PidMode = s;
  }),
  uts: text((d, s) => {
    d.host.UTSMode = s;
  }),
  userns: text((d, s) => {
    d.host.UsernsMode = s;
  }),
  'cgroup-parent': text((d, s) => {
    d.host.CgroupParent = s;
  }),
  sysctl: keyValue((d, k, v) => {
    d.host.Sysctls = { ...(d.host.Sysctls ?? {}), [k]: v };
  }),
  ulimit,
  'log-driver': text((d, s) => {
    d.host.LogConfig = { Type: s, Config: d.host.LogConfig?.Config ?? {} };
  }),
  'log-opt': keyValue((d, k, v) => {
    d.host.LogConfig = { Type: d.host.LogConfig?.Type ?? '', Config: { ...(d.host.LogConfig?.Config ?? {}), [k]: v } };
  }),
  network: text((d, s) => {
    d.host.NetworkMode = s;
  }),
  privileged: boolean((d, b) => {
    d.host.Privileged = b;
  }),
};

const ALIASES: Readonly<Record<string, string>> = {
  e: 'env',
  l: 'label',
  h: 'hostname',
  u: 'user',
  w: 'workdir',
  p: 'publish',
  m: 'memory',
  c: 'cpu-shares',
  v: 'volume',
  net: 'network',
  'dns-opt': 'dns-option',
};

/**
 * Flags that would take the container's lifecycle away from the containerizer (it must stay attached, and
 * decides itself when to remove the container), refused with the reason.
 */
const REFUSED: Readonly<Record<string, string>> = {
  rm: 'the containerizer removes the container itself once it has ended',
  restart: 'a restarted container would outlive what the agent believes ended',
  detach: 'the containerizer always runs containers detached',
  d: 'the containerizer always runs containers detached',
  name: 'the containerizer names containers mesos-<containerId>, which recovery relies on',
  interactive: 'containers get no stdin',
  i: 'containers get no stdin',
  tty: 'containers get no terminal (logs would not separate stdout from stderr)',
  t: 'containers get no terminal (logs would not separate stdout from stderr)',
};

/** The long name a parameter key stands for (strips leading dashes, resolves aliases). */
export function canonicalFlag(key: string): string {
  const bare = key.replace(/^-{1,2}/, '');
  return ALIASES[bare] ?? bare;
}

/**
 * Applies `parameters` (in order, as the CLI would read them) to `draft`. An unknown or refused flag, or a value
 * the flag cannot take, is an INVALID_ARGUMENT error naming the parameter.
 */
export function applyParameters(
  draft: CreateDraft,
  parameters: readonly { readonly key?: string | undefined; readonly value?: string | undefined }[],
): Result<CreateDraft> {
  for (const [i, parameter] of parameters.entries()) {
    const where = `container.docker.parameters[${i}]`;
    if (typeof parameter?.key !== 'string' || parameter.key.length === 0) return invalid(`${where} needs a key`);
    const value = parameter.value ?? '';
    if (typeof value !== 'string') return invalid(`${where} ('${parameter.key}') needs a string value`);
    const flag = canonicalFlag(parameter.key);
    const refused = REFUSED[flag];
    if (refused !== undefined) return invalid(`${where}: '--${flag}' is not allowed: ${refused}`);
    const apply = FLAGS[flag];
    if (!apply) {
      return invalid(
        `${where}: '--${flag}' is not a docker run option the Docker containerizer can map onto the Engine API`,
      );
    }
    const problem = apply(draft, value, flag);
    if (problem !== undefined) return invalid(`${where}: ${problem}`);
  }
  return ok(draft);
}
